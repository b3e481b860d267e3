package io.cardroutes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the bundle reads its configuration: {@code config/application.properties} under the
 * directory named by {@code app.home} (default: the working directory), plus
 * {@code config/application-<profile>.properties} when {@code camel.main.profile} is set by
 * -D or CAMEL_MAIN_PROFILE. The profile file is listed first because Camel's properties
 * component takes the first location that defines a key.
 */
public final class ConfigLocations {

    private ConfigLocations() {
    }

    public static Path home() {
        String home = lookup("app.home").orElse(".");
        return Path.of(home).toAbsolutePath().normalize();
    }

    public static Optional<String> profile() {
        return lookup("camel.main.profile");
    }

    public static String placeholderLocations() {
        Path config = home().resolve("config");
        Path base = config.resolve("application.properties");
        if (!Files.isRegularFile(base)) {
            throw new IllegalStateException("No configuration at " + base
                    + ": start the bundle from its home folder or set APP_HOME");
        }
        String locations = "file:" + base;
        Optional<String> profile = profile();
        if (profile.isPresent()) {
            Path profiled = config.resolve("application-" + profile.get() + ".properties");
            if (!Files.isRegularFile(profiled)) {
                throw new IllegalStateException("Profile '" + profile.get() + "' has no file " + profiled);
            }
            locations = "file:" + profiled + "," + locations;
        }
        return locations;
    }

    static Optional<String> lookup(String key) {
        String sys = System.getProperty(key);
        if (sys != null && !sys.isBlank()) {
            return Optional.of(sys.trim());
        }
        String env = System.getenv(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        if (env != null && !env.isBlank()) {
            return Optional.of(env.trim());
        }
        return Optional.empty();
    }
}
