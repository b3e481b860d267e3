package io.cardroutes.structure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s/ as Kubernetes reads it, without a cluster: every object against the Kubernetes schema (the
 * fabric8 model, strict: an unknown or misspelt field fails), then what production needs of it (probes on
 * the health endpoints, non-root, a grace period longer than the bundle's shutdown, a disruption budget, a
 * StatefulSet whose pods are named after themselves in APP_INSTANCE_NAME), and the names it uses: settings and
 * secrets are declared properties, mounted ConfigMaps are the ones deploy/k8s/configmaps.sh makes of routes/
 * and config/, the shared inbox patch puts the file channel on the shared volume.
 */
class DeployManifestsTest {

    private static final Path K8S = Path.of("deploy/k8s");
    private static final Map<String, Class<?>> KINDS = Map.of("StatefulSet", StatefulSet.class, "Service", Service.class,
            "PodDisruptionBudget", PodDisruptionBudget.class, "ConfigMap", ConfigMap.class, "Secret", Secret.class,
            "PersistentVolumeClaim", PersistentVolumeClaim.class);
    /** A strategic merge patch of the StatefulSet (kubectl patch --patch-file): part of a StatefulSet, no kind. */
    private static final String PATCH = "templates/shared-inbox.patch.yaml";
    /** YAML to the fabric8 model with no catch-all for unknown fields, so that a misspelt field is an error. */
    private static final ObjectMapper STRICT = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated a) {
                    return Boolean.FALSE;
                }
            });
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void every_manifest_matches_the_kubernetes_schema() throws Exception {
        List<Path> files = manifests();
        assertThat(files).extracting(f -> K8S.relativize(f).toString())
                .contains("statefulset.yaml", "service.yaml", "headless-service.yaml", "pdb.yaml", "settings.yaml",
                        "templates/secret.yaml", "templates/shared-inbox.yaml", PATCH);
        for (Path file : files) {
            String kind = file.endsWith(PATCH) ? "StatefulSet" : YAML.readTree(file.toFile()).path("kind").asText();
            assertThat(KINDS).as(file + ": kind " + kind).containsKey(kind);
            STRICT.readValue(file.toFile(), KINDS.get(kind)); // throws, naming the field, on a schema error
        }
    }

    @Test
    void the_statefulset_runs_three_non_root_instances_on_a_read_only_root() throws Exception {
        StatefulSet set = statefulSet();
        PodSpec pod = set.getSpec().getTemplate().getSpec();
        Container bundle = bundle();
        assertThat(set.getSpec().getReplicas()).isEqualTo(3);
        assertThat(set.getSpec().getPodManagementPolicy()).as("all pods start at once").isEqualTo("Parallel");
        assertThat(set.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(set.getSpec().getUpdateStrategy().getRollingUpdate().getPartition()).as("every pod updated").isZero();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(bundle.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(bundle.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(bundle.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        // what the bundle writes goes to volumes, since the image's own files cannot change
        assertThat(volumeAt("/app/data").getEmptyDir()).isNotNull();
        assertThat(volumeAt("/tmp").getEmptyDir()).isNotNull();
        assertThat(bundle.getPorts()).singleElement()
                .satisfies(p -> assertThat(p.getContainerPort()).hasToString(settings().get("APP_HTTP_PORT")));
    }

    @Test
    void every_pod_is_an_instance_named_after_its_stable_pod_name() throws Exception {
        StatefulSet set = statefulSet();
        EnvVar name = bundle().getEnv().stream().filter(e -> e.getName().equals("APP_INSTANCE_NAME")).findFirst()
                .orElseThrow(() -> new AssertionError("APP_INSTANCE_NAME is not set"));
        assertThat(name.getValue()).isNull();
        assertThat(name.getValueFrom().getFieldRef().getFieldPath()).as("downward API: the pod's name")
                .isEqualTo("metadata.name");
        assertThat(applicationProperties()).containsKey("app.instance-name");
        // one value for all pods would give them one name: rows in flight and in-progress files of each other's
        assertThat(settings()).doesNotContainKey("APP_INSTANCE_NAME");
        assertThat(read("templates/secret.yaml", Secret.class).getStringData()).doesNotContainKey("APP_INSTANCE_NAME");
        // pod names (<set>-<ordinal>) are kept as they are for the in-progress folder (InProgressFolder)
        assertThat(set.getMetadata().getName() + "-0").matches("[A-Za-z0-9._-]+");
        // the governing Service of the StatefulSet is headless and selects its pods
        Service pods = read("headless-service.yaml", Service.class);
        assertThat(set.getSpec().getServiceName()).isEqualTo(pods.getMetadata().getName());
        assertThat(pods.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(set.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(pods.getSpec().getSelector());
    }

    @Test
    void the_shared_inbox_patch_puts_inbox_outbox_and_error_folders_on_the_shared_volume() throws Exception {
        PersistentVolumeClaim claim = read("templates/shared-inbox.yaml", PersistentVolumeClaim.class);
        assertThat(claim.getSpec().getAccessModes()).as("every pod mounts it").containsExactly("ReadWriteMany");
        StatefulSet patched;
        if (onPath("kubectl")) {
            // kubectl merges the patch as the cluster will (containers, env, mounts and volumes by name), offline
            Process patch = new ProcessBuilder("kubectl", "patch", "--local", "-f", K8S.resolve("statefulset.yaml").toString(),
                    "--type", "strategic", "--patch-file", K8S.resolve(PATCH).toString(), "-o", "yaml").start();
            String out = new String(patch.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(patch.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(patch.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(patch.exitValue()).as(err).isZero();
            patched = STRICT.readValue(out, StatefulSet.class);
        } else {
            patched = read(PATCH, StatefulSet.class); // the patch alone: its own volume and mount
        }
        PodSpec pod = patched.getSpec().getTemplate().getSpec();
        String container = bundle().getName();
        Container bundle = pod.getContainers().stream().filter(c -> c.getName().equals(container))
                .findFirst().orElseThrow(() -> new AssertionError("the patch names another container"));
        Volume shared = pod.getVolumes().stream().filter(v -> v.getPersistentVolumeClaim() != null).findFirst()
                .orElseThrow(() -> new AssertionError("no volume of the claim"));
        assertThat(shared.getPersistentVolumeClaim().getClaimName()).isEqualTo(claim.getMetadata().getName());
        String mountPath = bundle.getVolumeMounts().stream().filter(m -> m.getName().equals(shared.getName()))
                .map(VolumeMount::getMountPath).findFirst().orElseThrow(() -> new AssertionError("not mounted"));
        Map<String, String> env = bundle.getEnv().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        Properties declared = applicationProperties();
        assertThat(List.of("APP_INBOX", "APP_OUTBOX", "APP_ERROR_DIR")).allSatisfy(folder -> {
            assertThat(env).as(folder).containsKey(folder);
            assertThat(env.get(folder)).as(folder).startsWith(mountPath + "/");
            // APP_ERROR_DIR <- app.error-dir: each a declared folder key
            assertThat(declared).containsKey("app." + folder.substring(4).toLowerCase(Locale.ROOT)
                    .replace('_', '-'));
        });
        if (onPath("kubectl")) {
            assertThat(bundle.getEnv()).as("the pod name stays").anyMatch(e -> e.getName().equals("APP_INSTANCE_NAME"));
            assertThat(bundle.getVolumeMounts()).as("the pod's other mounts stay").hasSize(bundle().getVolumeMounts().size() + 1);
        }
    }

    @Test
    void probes_ask_the_live_and_ready_health_endpoints_on_the_http_port() throws Exception {
        Container bundle = bundle();
        HTTPGetAction startup = bundle.getStartupProbe().getHttpGet();
        HTTPGetAction liveness = bundle.getLivenessProbe().getHttpGet();
        HTTPGetAction readiness = bundle.getReadinessProbe().getHttpGet();
        assertThat(startup.getPath()).isEqualTo("/observe/health/live");
        assertThat(liveness.getPath()).isEqualTo("/observe/health/live");
        assertThat(readiness.getPath()).isEqualTo("/observe/health/ready");
        String port = bundle.getPorts().get(0).getName();
        assertThat(List.of(startup, liveness, readiness)).allSatisfy(p -> assertThat(p.getPort().getStrVal()).isEqualTo(port));
        assertThat(read("service.yaml", Service.class).getSpec().getPorts().get(0).getTargetPort().getStrVal())
                .isEqualTo(port);
    }

    @Test
    void the_grace_period_outlasts_the_pause_before_sigterm_and_the_bundles_shutdown() throws Exception {
        PodSpec pod = statefulSet().getSpec().getTemplate().getSpec();
        long preStopMs = bundle().getLifecycle().getPreStop().getSleep().getSeconds() * 1000;
        long shutdownMs = Long.parseLong(settings().getOrDefault("APP_SHUTDOWN_GRACE_MS",
                applicationProperties().getProperty("app.shutdown.grace-ms")));
        // the pause, the bundle's grace for requests at EnKash, and the 5 s config/application.properties asks for
        assertThat(pod.getTerminationGracePeriodSeconds() * 1000).isGreaterThanOrEqualTo(preStopMs + shutdownMs + 5000);
    }

    @Test
    void the_disruption_budget_and_the_service_select_the_statefulsets_pods() throws Exception {
        StatefulSet set = statefulSet();
        Map<String, String> podLabels = set.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(set.getSpec().getSelector().getMatchLabels());
        PodDisruptionBudget pdb = read("pdb.yaml", PodDisruptionBudget.class);
        int minAvailable = pdb.getSpec().getMinAvailable().getIntVal();
        assertThat(minAvailable).isBetween(1, set.getSpec().getReplicas() - 1);
        assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
        assertThat(podLabels).containsAllEntriesOf(read("service.yaml", Service.class).getSpec().getSelector());
    }

    @Test
    void settings_select_production_with_an_external_broker_and_secrets_stay_in_the_secret() throws Exception {
        Map<String, String> settings = settings();
        assertThat(settings).containsEntry("CAMEL_MAIN_PROFILE", "prod");
        assertThat(Path.of("config/application-prod.properties")).exists();
        assertThat(settings.get("APP_BROKER_URL")).as("no embedded broker in a pod").startsWith("tcp://");
        Set<String> secretKeys = read("templates/secret.yaml", Secret.class).getStringData().keySet();
        assertThat(secretKeys).contains("APP_DB_URL", "APP_DB_USER", "APP_DB_PASSWORD", "ENKASH_CLIENT_ID",
                "ENKASH_CLIENT_SECRET", "ENKASH_USERNAME", "ENKASH_PASSWORD", "ENKASH_PARTNER_ID",
                "APP_BROKER_USER", "APP_BROKER_PASSWORD", "APP_API_KEYS");
        assertThat(settings.keySet()).noneMatch(k -> k.matches(".*(PASSWORD|SECRET|_KEYS?)$"));
        // each name is the environment variable of a declared key, so a renamed key cannot be missed here
        Set<String> declared = applicationProperties().stringPropertyNames().stream()
                .map(k -> k.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_')).collect(Collectors.toSet());
        Set<String> names = new TreeSet<>(secretKeys);
        names.addAll(settings.keySet());
        names.remove("CAMEL_MAIN_PROFILE"); // Camel's own: which application-<profile>.properties to add
        assertThat(declared).containsAll(names);
    }

    @Test
    void configmaps_carry_every_route_and_config_file_the_statefulset_mounts() throws Exception {
        assumeTrue(onPath("kubectl"), "kubectl is not installed: deploy/k8s/configmaps.sh cannot run");
        Process script = new ProcessBuilder("bash", "deploy/k8s/configmaps.sh").redirectErrorStream(false).start();
        String out = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(script.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(script.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(script.exitValue()).as(err).isZero();
        Map<String, ConfigMap> maps = new HashMap<>();
        for (String doc : out.split("(?m)^---$")) {
            if (!doc.isBlank()) {
                ConfigMap map = STRICT.readValue(doc, ConfigMap.class);
                maps.put(map.getMetadata().getName(), map);
            }
        }
        assertThat(keys(maps, "enkash-card-routes-routes")).isEqualTo(fileNames("routes", "*.camel.yaml"));
        assertThat(keys(maps, "enkash-card-routes-config")).isEqualTo(fileNames("config", "application*.properties"));
        assertThat(keys(maps, "enkash-card-routes-mappings")).isEqualTo(fileNames("config/mappings", "*"));
        // every ConfigMap the pods mount is one the script makes, with the keys the StatefulSet names
        PodSpec pod = statefulSet().getSpec().getTemplate().getSpec();
        for (Volume volume : pod.getVolumes()) {
            if (volume.getConfigMap() != null) {
                assertThat(maps).containsKey(volume.getConfigMap().getName());
            }
            if (volume.getProjected() != null) {
                volume.getProjected().getSources().forEach(source -> {
                    assertThat(maps).containsKey(source.getConfigMap().getName());
                    source.getConfigMap().getItems().forEach(item -> assertThat(
                            keys(maps, source.getConfigMap().getName())).contains(item.getKey()));
                });
            }
        }
        // the schema lands where config/application.properties expects it
        Set<String> projected = volumeAt("/app/config").getProjected().getSources().stream()
                .flatMap(s -> s.getConfigMap().getItems().stream()).map(i -> "config/" + i.getPath())
                .collect(Collectors.toSet());
        assertThat(projected).contains(applicationProperties().getProperty("app.request-schema"));
    }

    private static List<Path> manifests() throws IOException {
        try (Stream<Path> files = Files.walk(K8S)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    private static <T> T read(String file, Class<T> type) throws IOException {
        return STRICT.readValue(K8S.resolve(file).toFile(), type);
    }

    private static StatefulSet statefulSet() throws IOException {
        return read("statefulset.yaml", StatefulSet.class);
    }

    private static Container bundle() throws IOException {
        return statefulSet().getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static Volume volumeAt(String mountPath) throws IOException {
        String name = bundle().getVolumeMounts().stream().filter(m -> m.getMountPath().equals(mountPath))
                .map(VolumeMount::getName).findFirst().orElseThrow(() -> new AssertionError("nothing at " + mountPath));
        return statefulSet().getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
    }

    private static Map<String, String> settings() throws IOException {
        return read("settings.yaml", ConfigMap.class).getData();
    }

    private static Properties applicationProperties() throws IOException {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(Path.of("config/application.properties"))) {
            p.load(in);
        }
        return p;
    }

    private static Set<String> keys(Map<String, ConfigMap> maps, String name) {
        ConfigMap map = maps.get(name);
        assertThat(map).as("ConfigMap " + name).isNotNull();
        return map.getData() == null ? Set.of() : new TreeSet<>(map.getData().keySet());
    }

    private static Set<String> fileNames(String folder, String glob) throws IOException {
        Set<String> names = new TreeSet<>();
        if (!Files.isDirectory(Path.of(folder))) {
            return names;
        }
        try (var files = Files.newDirectoryStream(Path.of(folder), glob)) {
            files.forEach(f -> {
                if (Files.isRegularFile(f)) {
                    names.add(f.getFileName().toString());
                }
            });
        }
        return names;
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, command)));
    }
}
