package io.cardroutes.ops;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * What the Hawtio war sees of the bundle's class path: the JDK, the Servlet API and Jetty (shared with the
 * server that runs it), slf4j (Hawtio logs into the bundle's log) and the Jolokia policies; nothing else.
 * Camel brings a newer Jolokia than the war's, and Jolokia finds its parts through service files on its
 * class loader: seeing both, the war's Jolokia would load classes of the other (a ClassCastException).
 */
final class ConsoleParentLoader extends ClassLoader {

    private static final List<String> SHARED = List.of("jakarta.", "org.eclipse.jetty.", "org.slf4j.");
    private static final List<String> POLICIES = List.of(ManagementPort.READ_ONLY_POLICY.substring(1),
            ManagementPort.OPERATIONS_POLICY.substring(1));

    private final ClassLoader bundle;

    ConsoleParentLoader(ClassLoader bundle) {
        super("hawtio-parent", ClassLoader.getPlatformClassLoader());
        this.bundle = bundle;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        if (SHARED.stream().anyMatch(name::startsWith)) {
            return bundle.loadClass(name);
        }
        throw new ClassNotFoundException(name);
    }

    @Override
    protected URL findResource(String name) {
        return shared(name) ? bundle.getResource(name) : null;
    }

    @Override
    protected Enumeration<URL> findResources(String name) throws IOException {
        return shared(name) ? bundle.getResources(name) : Collections.emptyEnumeration();
    }

    private static boolean shared(String resource) {
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        return POLICIES.contains(name) || SHARED.stream().anyMatch(p -> name.startsWith(p.replace('.', '/')));
    }
}
