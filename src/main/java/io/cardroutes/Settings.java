package io.cardroutes;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/** Typed reads of the bundle's properties (file, then -D and environment overrides, as Camel resolves them). */
public final class Settings {

    private final PropertiesComponent properties;

    public Settings(CamelContext context) {
        this.properties = context.getPropertiesComponent();
    }

    public String text(String key) {
        return properties.resolveProperty(key).map(String::trim)
                .orElseThrow(() -> new IllegalStateException("Missing property " + key));
    }

    public String text(String key, String fallback) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty()).orElse(fallback);
    }

    public int integer(String key) {
        return Integer.parseInt(text(key));
    }

    public long longValue(String key) {
        return Long.parseLong(text(key));
    }

    public double decimal(String key) {
        return Double.parseDouble(text(key));
    }

    public boolean flag(String key) {
        return Boolean.parseBoolean(text(key));
    }

    public Set<String> set(String key) {
        return Arrays.stream(text(key, "").split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** A folder property made absolute against the bundle's home, so file endpoints agree on it. */
    public Path folder(String key) {
        Path path = Path.of(text(key));
        return path.isAbsolute() ? path.normalize() : ConfigLocations.home().resolve(path).normalize();
    }
}
