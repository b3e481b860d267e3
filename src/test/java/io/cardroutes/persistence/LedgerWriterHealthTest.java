package io.cardroutes.persistence;

import static io.cardroutes.support.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cardroutes.support.Bundle;
import org.junit.jupiter.api.Test;

/** What an operator sees once the bundle's ledger writer has stopped: health DOWN, saying why. */
class LedgerWriterHealthTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void health_is_down_with_the_reason_once_the_ledger_writer_stopped() throws Exception {
        try (Bundle bundle = Bundle.start()) {
            await("health UP").atMost(Duration.ofSeconds(30)).until(() -> health(bundle).statusCode() == 200);

            GroupCommit writes = bundle.context().hasService(GroupCommit.class);
            CompletableFuture<Object> fatal = writes.submit(session -> {
                throw new OutOfMemoryError("Java heap space");
            });
            fatal.handle((result, failure) -> null).get(10, TimeUnit.SECONDS);

            HttpResponse<String> down = health(bundle);
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("ledger-writer")
                    .contains("the ledger writer stopped: java.lang.OutOfMemoryError: Java heap space");
        }
    }

    private static HttpResponse<String> health(Bundle bundle) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + bundle.httpPort + "/observe/health"))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
