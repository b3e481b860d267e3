package io.cardroutes.mapping;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.cardroutes.pipeline.InvalidRequestException;
import io.cardroutes.pipeline.RequestNormalizer;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input layouts of the mappings folder ({@code config/mappings}): which one an input file's name
 * or a message's CardLayout header chooses. Read and checked at start-up, each broken one logged as an
 * ERROR naming its file and problem (the bundle and the other layouts keep running; input of the broken
 * one is refused with that reason), and read again whenever a file in the folder changed, is added or
 * removed, so an edited mapping applies to the next input without a restart.
 */
public class InputLayouts {

    /** The header (JMS message property) of a message or call that names its input layout. */
    public static final String HEADER = "CardLayout";
    private static final Logger LOG = LoggerFactory.getLogger(InputLayouts.class);

    private final Path folder;
    private Map<String, String> seen = Map.of();
    private List<InputLayout> layouts = List.of();

    public InputLayouts(Path folder) {
        this.folder = folder;
    }

    /** The layouts as they are on disk now (read again if any file of the folder changed). */
    public synchronized List<InputLayout> current() {
        Map<String, String> now = snapshot();
        if (!now.equals(seen)) {
            layouts = load();
            seen = now;
        }
        return layouts;
    }

    /** The layouts of the folder that are broken, as their problems: empty when all can be used. */
    public List<String> problems() {
        return current().stream().filter(l -> l.problem() != null).map(InputLayout::problem).toList();
    }

    /**
     * The layout whose file pattern matches {@code fileName} (the first by layout name when several do),
     * else EnKash's own layout by extension. A file of a broken layout is refused with its problem.
     */
    public InputLayout forFile(String fileName) {
        for (InputLayout layout : current()) {
            if (layout.matches(fileName)) {
                return usable(layout);
            }
        }
        return InputLayout.enkash(fileName);
    }

    /** The layout the message's {@value #HEADER} header names; none (null) without one. An unknown name is refused. */
    public InputLayout forHeader(Exchange exchange) {
        return named(exchange.getMessage().getHeader(HEADER, String.class));
    }

    /** The layout a CardLayout header names; none (null) without a header. An unknown name is refused. */
    InputLayout named(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        for (InputLayout layout : current()) {
            if (layout.name().equals(name.trim())) {
                return usable(layout);
            }
        }
        throw new InvalidRequestException("no input layout named '" + RequestNormalizer.printable(name)
                + "' (CardLayout names a <name>.properties of the mappings folder)");
    }

    private static InputLayout usable(InputLayout layout) {
        if (layout.problem() != null) {
            throw new InvalidRequestException("input layout " + layout.name() + " is broken: " + layout.problem());
        }
        return layout;
    }

    private List<InputLayout> load() {
        List<InputLayout> loaded = new ArrayList<>();
        for (Path descriptor : descriptors()) {
            InputLayout layout = LayoutFiles.read(descriptor);
            loaded.add(layout);
            if (layout.problem() != null) {
                LOG.error("Input layout {} ({}) cannot be used, its input is refused until it is fixed: {}",
                        layout.name(), descriptor, layout.problem());
            } else {
                String delimiter = InputLayout.CSV.equals(layout.format())
                        ? " '" + RequestNormalizer.printable(layout.csvDelimiter()) + "'" : "";
                String files = layout.files() == null ? "(CardLayout header only)" : layout.files();
                LOG.info("Input layout {}: files {}, {}{}, mapping {}", layout.name(), files, layout.format(), delimiter,
                        layout.mappingName());
            }
        }
        return List.copyOf(loaded);
    }

    private List<Path> descriptors() {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(LayoutFiles.DESCRIPTOR_SUFFIX))
                    .filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            LOG.error("Cannot list the mappings folder {}: {}", folder, e.toString());
            return List.of();
        }
    }

    /** Name, size and modification time of every file of the folder: a change of any means read again. */
    private Map<String, String> snapshot() {
        Map<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(folder)) {
            return files;
        }
        try (Stream<Path> list = Files.list(folder)) {
            for (Path p : list.toList()) {
                try {
                    files.put(p.getFileName().toString(), Files.getLastModifiedTime(p) + " " + Files.size(p));
                } catch (IOException gone) {
                    files.put(p.getFileName().toString(), "gone");
                }
            }
        } catch (IOException e) {
            files.put("", e.toString());
        }
        return files;
    }
}
