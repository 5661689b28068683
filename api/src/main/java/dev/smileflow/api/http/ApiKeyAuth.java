package dev.smileflow.api.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * {@code API_KEY} auth, run before every handler when the key is set: a request to {@code /v1/*}
 * must carry it in {@code X-API-Key} (or as {@code Authorization: Bearer}), else it is refused with
 * a 401; the health probes, {@code /metrics} and the docs stay open. The key is compared in
 * constant time and never logged.
 */
public final class ApiKeyAuth implements Handler {
  private final byte[] key;

  public ApiKeyAuth(String key) {
    this.key = key.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void handle(Context ctx) {
    if (ctx.path().startsWith("/v1/") && !authorized(ctx)) {
      throw new ApiException(ApiException.Kind.UNAUTHORIZED, "X-API-Key: missing or wrong API key");
    }
  }

  private boolean authorized(Context ctx) {
    String given = ctx.header("X-API-Key");
    if (given == null) {
      String auth = ctx.header("Authorization");
      if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
        given = auth.substring(7).strip();
      }
    }
    return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), key);
  }
}
