package dev.smileflow.api.http;

import io.javalin.http.HandlerType;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One row of the service's route table ({@code App.ROUTES}): the method and path it answers, and
 * the operation name errors on it report as {@code raisedOn}. The {@code Allow} header of a 405 and
 * the OpenAPI document's paths derive from the same table.
 *
 * @param method the HTTP method
 * @param path the exact path (the service has no path parameters)
 * @param operation the {@code raisedOn} name of errors on this route
 */
public record Route(HandlerType method, String path, String operation) {
  public Route {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(operation, "operation");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("route path must start with /: " + path);
    }
  }

  /** {@code POST /v1/classify}. */
  public String key() {
    return method.name() + " " + path;
  }

  /** The {@code Allow} header value for {@code path}: its methods, sorted; empty if none. */
  static String allow(List<Route> routes, String path) {
    var methods = new TreeSet<String>();
    for (Route r : routes) {
      if (r.path.equals(path)) {
        methods.add(r.method.name());
      }
    }
    return String.join(", ", methods);
  }
}
