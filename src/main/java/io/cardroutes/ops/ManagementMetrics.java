package io.cardroutes.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.prometheus.MicrometerPrometheus;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyConfiguration;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.spi.RoutePolicyFactory;

/**
 * Camel's Prometheus metrics service (camel-micrometer-prometheus, set up by Camel Main from
 * {@code camel.metrics.*}), served on the management port. Camel serves {@code /observe/metrics} on
 * the first management server it finds, which is the API port's (health only); the management port's
 * server starts later, so {@link ManagementPort} hands it over here once it runs. Bound in the
 * registry before Camel Main looks for a metrics service, so Main configures this one.
 *
 * <p>One registry for everything: Camel's route metrics, the routes' {@code micrometer:} endpoints
 * and the Java meters ({@link #registry}). EnKash call durations are kept as a histogram.
 */
public class ManagementMetrics extends MicrometerPrometheus {

    /** Name of this service in Camel's registry. */
    public static final String NAME = "managementMetrics";
    /** The timer of EnKash calls ({@link CallMeters}). */
    static final String ENKASH_CALL_TIMER = "cardroutes.enkash.call";

    @Override
    protected void doInit() throws Exception {
        registry(getCamelContext());
        super.doInit();
        excludeRoutes(getCamelContext());
    }

    /**
     * The routes {@code app.metrics.route-exclude} names (comma-separated ids, {@code *} wildcards) get no
     * per-route timer: the steps every request passes through inside the pipeline, where a timer per route
     * and request cost ~3 % of the CPU under load and tells nothing the channel routes' timers, the
     * {@code cardroutes_*} meters and JMX do not. Runs before the routes are created, which is when each
     * route's policy takes this configuration.
     */
    private static void excludeRoutes(CamelContext context) {
        String exclude = context.getPropertiesComponent().resolveProperty("app.metrics.route-exclude")
                .map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
        for (RoutePolicyFactory factory : context.getRoutePolicyFactories()) {
            if (factory instanceof MicrometerRoutePolicyFactory micrometer) {
                MicrometerRoutePolicyConfiguration shared = micrometer.getPolicyConfiguration();
                MicrometerRoutePolicyConfiguration own = new MicrometerRoutePolicyConfiguration();
                own.setContextEnabled(shared.isContextEnabled());
                own.setRouteEnabled(shared.isRouteEnabled());
                own.setExcludePattern(exclude);
                micrometer.setPolicyConfiguration(own);
            }
        }
    }

    /** Serves {@code /observe/metrics} on {@code server} (started). */
    public void serveOn(ManagementHttpServer server) {
        setupHttpScraper(server.getRouter());
    }

    /**
     * The registry every meter of the bundle goes to ({@code metricsRegistry}, the name the micrometer
     * component and Camel's metrics service look up), made on first use.
     */
    public static synchronized MeterRegistry registry(CamelContext context) {
        MeterRegistry found = context.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                MeterRegistry.class);
        if (found != null) {
            return found;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(io.micrometer.core.instrument.Meter.Id id,
                    DistributionStatisticConfig config) {
                return id.getName().equals(ENKASH_CALL_TIMER)
                        ? DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config)
                        : config;
            }
        });
        context.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        return registry;
    }
}
