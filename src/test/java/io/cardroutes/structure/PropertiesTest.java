package io.cardroutes.structure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The bundle's own properties (app.*, enkash.*) are declared once in config/application.properties,
 * explained there, and used: a key used but not declared, or declared and never used, fails the build
 * (the idea camel-kamelets applies to kamelet parameters).
 */
class PropertiesTest {

    private static final Pattern KEY = Pattern.compile("^((?:app|enkash)\\.[a-z0-9.\\-]+)\\s*=", Pattern.MULTILINE);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{((?:app|enkash)\\.[a-z0-9.\\-]+)}}");
    private static final Pattern JAVA_LITERAL = Pattern.compile("\"((?:app|enkash)\\.[a-z0-9.\\-]+)\"");

    @Test
    void every_property_used_by_routes_config_or_java_is_declared() throws Exception {
        Set<String> declared = declared();
        Set<String> used = used();
        Set<String> undeclared = new LinkedHashSet<>(used);
        undeclared.removeAll(declared);
        undeclared.remove("app.home"); // read from -D/env before any file: it says where the files are
        assertThat(undeclared).as("used but not declared in config/application.properties").isEmpty();
    }

    @Test
    void every_declared_property_is_used() throws Exception {
        Set<String> unused = new LinkedHashSet<>(declared());
        unused.removeAll(used());
        assertThat(unused).as("declared in config/application.properties but used nowhere").isEmpty();
    }

    @Test
    void every_declared_property_follows_an_explaining_comment_with_its_default() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("config/application.properties"));
        List<String> unexplained = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = KEY.matcher(lines.get(i));
            if (m.find()) {
                int j = i - 1;
                while (j >= 0 && KEY.matcher(lines.get(j)).find()) {
                    j--; // a group of related keys shares one comment
                }
                if (j < 0 || !lines.get(j).startsWith("#") || !lines.get(j).contains("Default:")) {
                    unexplained.add(m.group(1));
                }
            }
        }
        assertThat(unexplained).isEmpty();
    }

    @Test
    void the_prod_profile_turns_the_sandbox_off_and_holds_no_secret_values() throws Exception {
        String prod = Files.readString(Path.of("config/application-prod.properties"));
        assertThat(prod).containsPattern("(?m)^enkash\\.sandbox\\.enabled\\s*=\\s*false");
        assertThat(prod).containsPattern("(?m)^enkash\\.client-secret\\s*=\\s*$");
        assertThat(prod).containsPattern("(?m)^enkash\\.password\\s*=\\s*$");
    }

    static Set<String> declared() throws Exception {
        Set<String> keys = new LinkedHashSet<>();
        Matcher m = KEY.matcher(Files.readString(Path.of("config/application.properties")));
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    static Set<String> used() throws Exception {
        Set<String> keys = new LinkedHashSet<>();
        for (Path p : files("routes", ".yaml")) {
            collect(PLACEHOLDER, Files.readString(p), keys);
        }
        for (Path p : files("config", ".properties")) {
            collect(PLACEHOLDER, Files.readString(p), keys);
        }
        for (Path p : files("src/main/java", ".java")) {
            collect(JAVA_LITERAL, Files.readString(p), keys);
        }
        return keys;
    }

    private static void collect(Pattern pattern, String text, Set<String> into) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            into.add(m.group(1));
        }
    }

    private static List<Path> files(String dir, String suffix) throws Exception {
        try (Stream<Path> s = Files.walk(Path.of(dir))) {
            return s.filter(p -> p.toString().endsWith(suffix)).toList();
        }
    }
}
