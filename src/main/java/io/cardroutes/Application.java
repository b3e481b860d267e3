package io.cardroutes;

import io.cardroutes.channels.ChannelsConfiguration;
import io.cardroutes.ops.ManagementPort;
import org.apache.camel.main.Main;

/**
 * Starts the bundle: Camel Main reading config/application.properties and routes/*.camel.yaml
 * from the working directory, so an operator changes behaviour by editing files, not by rebuilding.
 */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        Main main = create();
        main.run(args);
    }

    /** The Main every entry point uses (the jar, the tests, the benchmarks). */
    public static Main create() {
        Main main = new Main();
        main.setPropertyPlaceholderLocations(ConfigLocations.placeholderLocations());
        // first: a management port it must refuse starts nothing else
        main.configure().addConfiguration(new ManagementPort());
        main.configure().addConfiguration(new BundleConfiguration());
        main.configure().addConfiguration(new ChannelsConfiguration());
        return main;
    }
}
