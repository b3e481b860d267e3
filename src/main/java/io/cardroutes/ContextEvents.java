package io.cardroutes;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.util.function.ThrowingConsumer;

/**
 * Runs an action on one kind of CamelContext event (started, stopped). The notifier ignores the
 * exchange, route, service and step events: a notifier that does not say so makes Camel raise every
 * exchange's events (created, sending, sent, completed) for it, on the request path.
 */
public final class ContextEvents {

    private ContextEvents() {
    }

    public static <E extends CamelEvent.CamelContextEvent> void on(CamelContext context, Class<E> type,
            ThrowingConsumer<E, Exception> action) {
        context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            {
                setIgnoreExchangeEvents(true);
                setIgnoreRouteEvents(true);
                setIgnoreServiceEvents(true);
                setIgnoreStepEvents(true);
            }

            @Override
            public boolean isEnabled(CamelEvent event) {
                return type.isInstance(event);
            }

            @Override
            public void notify(CamelEvent event) throws Exception {
                action.accept(type.cast(event));
            }
        });
    }
}
