package io.cardroutes.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.support.Bundle;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationFactory;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;
import org.junit.jupiter.api.Test;

/**
 * The bundle's log4j2.xml (src/main/resources) writes text lines by default and one JSON object per
 * line with app.log.format=json (APP_LOG_FORMAT=json): the bundle's own outcome lines, rendered by
 * that layout, parse as JSON and carry the request id. The test run's own logging (log4j2-test.xml)
 * stays as it is: the layout is taken from a separate logger context.
 */
class JsonLogsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void text_lines_unless_app_log_format_is_json() throws Exception {
        assertThat(bundleLayout()).isInstanceOf(PatternLayout.class);
    }

    @Test
    void with_app_log_format_json_every_outcome_line_is_a_json_object_with_the_request_id() throws Exception {
        Layout<?> json;
        System.setProperty("app.log.format", "json");
        try {
            json = bundleLayout();
        } finally {
            System.clearProperty("app.log.format");
        }
        assertThat(json).isInstanceOf(JsonTemplateLayout.class);

        List<String> lines = new CopyOnWriteArrayList<>();
        AbstractAppender capture = new AbstractAppender("json-capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLoggerName().equals("io.cardroutes.outcome")) {
                    lines.add(((JsonTemplateLayout) json).toSerializable(event));
                }
            }
        };
        capture.start();
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        LoggerConfig cardroutes = logging.getConfiguration().getLoggerConfig("io.cardroutes.outcome");
        cardroutes.addAppender(capture, null, null);
        logging.updateLoggers();
        try (Bundle bundle = Bundle.start()) {
            bundle.freshSandbox();
            bundle.drop("json.json", "{\"requestId\":\"JSON-LOG-1\",\"mobile\":\"9876505001\"}");
            bundle.awaitResults("json.json");
        } finally {
            cardroutes.removeAppender("json-capture");
            logging.updateLoggers();
        }

        assertThat(lines).isNotEmpty();
        JsonNode line = JSON.readTree(lines.get(0));
        assertThat(lines.get(0).trim()).doesNotContain("\n");
        assertThat(line.path("log.logger").asText()).isEqualTo("io.cardroutes.outcome");
        assertThat(line.path("log.level").asText()).isEqualTo("INFO");
        assertThat(line.path("message").asText()).contains("JSON-LOG-1").contains("channel=FILE").contains("CREATED");
        assertThat(line.has("@timestamp")).isTrue();
    }

    /** The layout of appender "out" as the bundle's log4j2.xml configures it right now. */
    private static Layout<?> bundleLayout() throws Exception {
        URI file = JsonLogsTest.class.getResource("/log4j2.xml").toURI();
        LoggerContext separate = new LoggerContext("log-format-test");
        try {
            Configuration config = ConfigurationFactory.getInstance().getConfiguration(separate,
                    ConfigurationSource.fromUri(file));
            config.initialize();
            return config.getAppenders().get("out").getLayout();
        } finally {
            separate.stop();
        }
    }
}
