package io.cardroutes.mapping;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;

/**
 * Reads one layout descriptor ({@code <name>.properties}) and compiles its JSONata mapping, so that a
 * broken layout is found when it is loaded, not on the first record: the problem, naming the file and,
 * for a mapping, its line and column, becomes the layout's {@link InputLayout#problem()}.
 */
final class LayoutFiles {

    static final String DESCRIPTOR_SUFFIX = ".properties";
    static final Set<String> KEYS = Set.of("files", "format", "csv-delimiter", "xml-record", "mapping");
    private static final Map<String, String> DELIMITERS = Map.of(",", ",", ";", ";", "|", "|", "tab", "\t");

    private LayoutFiles() {
    }

    static InputLayout read(Path descriptor) {
        String fileName = descriptor.getFileName().toString();
        String name = fileName.substring(0, fileName.length() - DESCRIPTOR_SUFFIX.length());
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(descriptor, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            return InputLayout.broken(name, null, fileName + ": cannot be read: " + e.getMessage());
        }
        String files = blankToNull(p.getProperty("files"));
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            return InputLayout.broken(name, files, fileName
                    + ": a layout name holds only letters, digits, '.', '_' and '-'");
        }
        List<String> unknown = p.stringPropertyNames().stream().filter(k -> !KEYS.contains(k)).sorted().toList();
        if (!unknown.isEmpty()) {
            return InputLayout.broken(name, files, fileName + ": unknown key(s) " + unknown + ", expected " + KEYS);
        }
        String format = p.getProperty("format", "").trim();
        if (!List.of(InputLayout.CSV, InputLayout.JSON, InputLayout.XML).contains(format)) {
            return InputLayout.broken(name, files, fileName + ": format must be csv, json or xml, not '" + format
                    + "'");
        }
        String delimiter = DELIMITERS.get(p.getProperty("csv-delimiter", InputLayout.DEFAULT_DELIMITER).trim());
        if (delimiter == null) {
            return InputLayout.broken(name, files, fileName + ": csv-delimiter must be one of , ; | tab");
        }
        String xmlRecord = p.getProperty("xml-record", InputLayout.DEFAULT_XML_RECORD).trim();
        if (!xmlRecord.matches("[A-Za-z_][A-Za-z0-9._-]*")) {
            return InputLayout.broken(name, files, fileName + ": xml-record must be an element name, not '"
                    + xmlRecord + "'");
        }
        String mappingName = p.getProperty("mapping", name + ".jsonata").trim();
        Path mapping = descriptor.resolveSibling(mappingName).normalize();
        if (!mapping.getParent().equals(descriptor.getParent())) {
            return InputLayout.broken(name, files, fileName + ": the mapping must be a file in the same folder, not '"
                    + mappingName + "'");
        }
        String problem = compile(mapping);
        if (problem != null) {
            return InputLayout.broken(name, files, problem);
        }
        return new InputLayout(name, files, format, delimiter, xmlRecord, mapping.toString(), null);
    }

    /** Null when {@code mapping} compiles; else what is wrong, naming the file (and line and column). */
    static String compile(Path mapping) {
        String fileName = mapping.getFileName().toString();
        String text;
        try {
            text = Files.readString(mapping, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return fileName + ": cannot be read (" + e.getClass().getSimpleName() + ")";
        }
        if (text.isBlank()) {
            return fileName + ": the mapping is empty";
        }
        try {
            Jsonata.jsonata(text);
            return null;
        } catch (JException e) {
            return fileName + ": " + at(text, e.getLocation() - 1) + "not valid JSONata: " + e.getMessage()
                    + " (" + e.getError() + ")";
        } catch (RuntimeException e) {
            return fileName + ": not valid JSONata: " + e.getMessage();
        }
    }

    /**
     * "line L, column C: " of the character at {@code position} (0-based; JSONata reports the position just
     * after the token it stopped at), or nothing when unknown.
     */
    static String at(String text, int position) {
        if (position < 0 || position >= text.length()) {
            return "";
        }
        int line = 1;
        int column = 1;
        for (int i = 0; i < position; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return "line " + line + ", column " + column + ": ";
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
