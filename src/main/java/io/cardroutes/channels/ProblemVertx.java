package io.cardroutes.channels;

import java.util.Map;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.impl.VertxWrapper;

/**
 * The Vert.x instance the bundle's HTTP servers run on (platform-http takes the one in the registry),
 * so that a request Vert.x cannot read at all gets a problem+json answer like every other error:
 * headers over the server's limit (431), a request line over it (414), anything else unreadable (400).
 * Vert.x answers those before any router sees the request, from the server's invalidRequestHandler,
 * which it reads when the server starts listening; platform-http creates its server and starts it in
 * one step, so the handler is set here, where the server is created. {@link VertxWrapper} is Vert.x's
 * own base class for wrapping an instance.
 */
final class ProblemVertx extends VertxWrapper {

    ProblemVertx(VertxOptions options) {
        super((VertxInternal) Vertx.vertx(options));
    }

    @Override
    public HttpServer createHttpServer(HttpServerOptions options) {
        return super.createHttpServer(options).invalidRequestHandler(ProblemVertx::answer);
    }

    @Override
    public HttpServer createHttpServer() {
        return createHttpServer(new HttpServerOptions());
    }

    @Override
    public String toString() {
        return "Vert.x answering unreadable requests with problem+json";
    }

    /** Vert.x's own default answer (status by cause, then the connection is closed), with a problem body. */
    static void answer(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        Map<String, Object> problem;
        if (cause instanceof TooLongHttpHeaderException) {
            problem = Problems.problem("headers-too-large", "The request's headers are too large", 431,
                    "the headers together are over the server's limit; send fewer or shorter ones");
        } else if (cause instanceof TooLongHttpLineException) {
            problem = Problems.problem("uri-too-long", "The request line is too long", 414,
                    "the method, path and query together are over the server's limit");
        } else {
            problem = Problems.problem("bad-request", "The request is not valid HTTP", 400,
                    "the request could not be read as HTTP");
        }
        HttpServerResponse response = request.response();
        response.setStatusCode((Integer) problem.get("status"))
                .putHeader("Content-Type", Problems.PROBLEM_TYPE)
                .putHeader("Cache-Control", "no-store")
                .putHeader("Connection", "close")
                .end(Problems.text(problem))
                .onComplete(written -> response.close());
    }
}
