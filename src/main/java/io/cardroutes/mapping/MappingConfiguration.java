package io.cardroutes.mapping;

import io.cardroutes.Settings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/**
 * Binds the input layouts' parts the routes call by name, and reads the mappings folder once at
 * start-up so that a broken layout is logged (as an ERROR naming its file and problem) before any input
 * arrives; the bundle starts all the same.
 */
public class MappingConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        Settings settings = new Settings(context);
        InputLayouts layouts = new InputLayouts(settings.folder("app.mappings-dir"));
        layouts.current();
        Registry registry = context.getRegistry();
        registry.bind("inputLayouts", layouts);
        registry.bind("xmlRecords", new XmlRecords());
        registry.bind("recordMapping", new RecordMapping());
    }
}
