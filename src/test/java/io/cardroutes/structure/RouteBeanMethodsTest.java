package io.cardroutes.structure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cardroutes.support.Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every bean a route file calls ({@code ref} + {@code method}, in a {@code bean} step or a {@code method}
 * expression) is bound in the running bundle and has a method of that name. Camel finds out only when a message
 * reaches the step: a method renamed or removed in Java would otherwise fail in production, on the first message.
 */
class RouteBeanMethodsTest {

    @RegisterExtension
    static final Bundle bundle = Bundle.forTestClass(Map.of());

    @Test
    void every_bean_method_a_route_names_exists_on_the_bound_bean() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<String> calls = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).sorted().toList()) {
                collect(yaml.readTree(file.toFile()), file.getFileName().toString(), calls);
            }
        }
        assertThat(calls).as("bean calls found in routes/").hasSizeGreaterThan(30);

        List<String> missing = new ArrayList<>();
        for (String call : calls) {
            String[] parts = call.split("\\|");
            Object bean = bundle.context().getRegistry().lookupByName(parts[1]);
            String method = parts[2].contains("(") ? parts[2].substring(0, parts[2].indexOf('(')) : parts[2];
            if (bean == null) {
                missing.add(parts[0] + ": no bean " + parts[1]);
            } else if (Arrays.stream(bean.getClass().getMethods()).noneMatch(m -> m.getName().equals(method))) {
                missing.add(parts[0] + ": " + bean.getClass().getSimpleName() + " has no method " + method);
            }
        }
        assertThat(missing).isEmpty();
    }

    private static void collect(JsonNode node, String file, List<String> calls) {
        if (node.isObject()) {
            JsonNode ref = node.get("ref");
            JsonNode method = node.get("method");
            if (ref != null && ref.isTextual() && method != null && method.isTextual()) {
                calls.add(file + "|" + ref.asText() + "|" + method.asText().trim());
            }
            node.forEach(child -> collect(child, file, calls));
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, file, calls));
        }
    }
}
