package io.cardroutes.channels;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Four things about the bundle's HTTP server that no route can say. A call to a known path with a
 * method or body type its operation does not take gets a problem+json 405 (with Allow) or 415
 * ({@link OperationProblems}). While the bundle stops, every
 * new call is answered 503 at once (calls in flight finish; nothing of a refused call was recorded, so
 * sending it again, elsewhere or later, is safe). A body over
 * {@code camel.server.max-body-size} is refused by the server before any route runs; this makes that
 * 413 a problem+json answer like the others (instead of plain text and an ERROR log line per call).
 * And no answer ever carries the caller's X-API-Key back (platform-http echoes request headers on
 * routes that do not build their own answer, such as the OpenAPI document).
 */
final class HttpServerSetup {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServerSetup.class);

    private HttpServerSetup() {
    }

    static void install(CamelContext context, int port, long maxBodyBytes) throws Exception {
        HttpHeaderFilterStrategy headers = new HttpHeaderFilterStrategy();
        headers.getOutFilter().add(ApiKeyGuard.HEADER.toLowerCase(java.util.Locale.ROOT));
        context.getComponent("platform-http", PlatformHttpComponent.class).setHeaderFilterStrategy(headers);

        String tooLarge = Problems.text(Problems.problem("too-large", "The body is too large", 413,
                "bodies of more than " + maxBodyBytes + " bytes are refused"));
        String stopping = Problems.text(Problems.problem("stopping", "The bundle is stopping", 503,
                "it takes no new calls while it stops; nothing of this call was recorded: send it again"));
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                // the router exists once the HTTP server has started
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) {
                VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(started,
                        VertxPlatformHttpRouter.getRouterNameFromPort(port));
                if (router == null) {
                    LOG.warn("No platform-http router for port {}: bodies over the limit get a plain 413", port);
                } else {
                    // ahead of every route (platform-http's and management's): no new call starts during a stop
                    router.route().order(Integer.MIN_VALUE).handler(ctx -> {
                        if (started.isStopping()) {
                            ctx.response().setStatusCode(503)
                                    .putHeader("Content-Type", Problems.PROBLEM_TYPE)
                                    .putHeader("Connection", "close")
                                    .end(stopping);
                        } else {
                            ctx.next();
                        }
                    });
                    // after every operation: a known path with another method (405) or body type (415)
                    OperationProblems operations = new OperationProblems(
                            started.getComponent("platform-http", PlatformHttpComponent.class));
                    router.route().last().handler(ctx -> {
                        Map<String, Object> problem = operations.problem(ctx.request().method().name(),
                                ctx.normalizedPath(), ctx.request().getHeader("Content-Type"));
                        if (problem == null || ctx.response().headWritten()) {
                            ctx.next();
                            return;
                        }
                        Object allow = problem.remove("allow");
                        if (allow != null) {
                            ctx.response().putHeader("Allow", allow.toString());
                        }
                        ctx.response().setStatusCode((Integer) problem.get("status"))
                                .putHeader("Content-Type", Problems.PROBLEM_TYPE).end(Problems.text(problem));
                    });
                    // platform-http's routes live in a sub-router: its failure handlers see the body limit's 413
                    router.route().failureHandler(ctx -> {
                        if (ctx.statusCode() == 413 && !ctx.response().headWritten()) {
                            ctx.response().setStatusCode(413)
                                    .putHeader("Content-Type", Problems.PROBLEM_TYPE)
                                    .putHeader("Connection", "close")
                                    .end(tooLarge);
                        } else {
                            ctx.next();
                        }
                    });
                }
            }
        });
    }
}
