package io.cardroutes.ops;

import java.util.Set;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/**
 * Serves {@link HawtioConsole} at {@value HawtioConsole#PATH} on the management port (after its login):
 * passes each request on to the console's Jetty on loopback, with the Host the browser used (so Hawtio's
 * links and redirects name the management port) and the console's key, and streams the answer back.
 */
final class HawtioProxy implements Handler<RoutingContext> {

    /**
     * Hop-by-hop headers (RFC 9110 7.6.1), which concern one connection only, and the login, which the
     * management port checked already: none goes on to the console.
     */
    private static final Set<String> NOT_PASSED_ON = Set.of("authorization", "host", "connection", "keep-alive",
            "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

    private final HawtioConsole console;
    private final HttpClient client;

    HawtioProxy(Vertx vertx, HawtioConsole console) {
        this.console = console;
        this.client = vertx.createHttpClient();
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest in = ctx.request();
        HttpServerResponse out = ctx.response();
        int port = console.port();
        if (port == 0) {
            out.setStatusCode(503).putHeader("Retry-After", "2").end("The console is starting; try again in a moment.\n");
            return;
        }
        in.pause();
        HostAndPort authority = in.authority();
        RequestOptions options = new RequestOptions().setServer(SocketAddress.inetSocketAddress(port, "127.0.0.1"))
                .setMethod(in.method()).setURI(in.uri());
        if (authority != null) {
            options.setHost(authority.host()).setPort(authority.port() > 0 ? authority.port() : 80);
        }
        client.request(options).onFailure(e -> unreachable(in, out)).onSuccess(request -> {
            copy(in.headers(), request.headers());
            request.headers().set(HawtioConsole.KEY_HEADER, console.key());
            if (!in.headers().contains(HttpHeaders.CONTENT_LENGTH) && in.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
                request.setChunked(true);
            }
            boolean head = in.method() == HttpMethod.HEAD;
            request.send(in).onFailure(e -> unreachable(in, out)).onSuccess(answer -> relay(answer, out, head));
        });
    }

    private static void relay(HttpClientResponse answer, HttpServerResponse out, boolean head) {
        int status = answer.statusCode();
        out.setStatusCode(status);
        copy(answer.headers(), out.headers());
        if (!head && status != 204 && status != 304 && !answer.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            out.setChunked(true);
        }
        answer.pipeTo(out);
    }

    private static void unreachable(HttpServerRequest in, HttpServerResponse out) {
        in.resume();
        if (!out.headWritten()) {
            out.setStatusCode(502).end("The console did not answer.\n");
        } else {
            out.reset();
        }
    }

    private static void copy(MultiMap from, MultiMap to) {
        from.forEach(header -> {
            String name = header.getKey().toLowerCase(java.util.Locale.ROOT);
            if (!NOT_PASSED_ON.contains(name) && !name.equalsIgnoreCase(HawtioConsole.KEY_HEADER)) {
                to.add(header.getKey(), header.getValue());
            }
        });
    }
}
