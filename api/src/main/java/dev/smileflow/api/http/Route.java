package dev.smileflow.api.http;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One row of the service's route table ({@code App.routes}): the method and path it answers, the
 * operation name errors on it report as {@code raisedOn}, and the handler that answers it. The
 * {@code Allow} header of a 405 derives from the same table, and {@link
 * OpenApiDocument#requireDescribes} holds the OpenAPI document's paths to it.
 *
 * @param method the HTTP method
 * @param path the exact path (the service has no path parameters)
 * @param operation the {@code raisedOn} name of errors on this route
 * @param handler what answers it
 */
public record Route(HandlerType method, String path, String operation, Handler handler) {
  public Route {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(handler, "handler");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("route path must start with /: " + path);
    }
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

  /** The {@code raisedOn} name of errors on {@code path}: its first route's, else {@code Api}. */
  static String operation(List<Route> routes, String path) {
    for (Route r : routes) {
      if (r.path.equals(path)) {
        return r.operation;
      }
    }
    return "Api";
  }
}
