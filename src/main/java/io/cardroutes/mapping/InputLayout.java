package io.cardroutes.mapping;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.Locale;

/**
 * How one kind of input reads: its format (csv, json or xml), the CSV delimiter, the XML element that
 * holds one record, and the JSONata mapping that turns a record into EnKash fields. A partner layout
 * comes from {@code config/mappings/<name>.properties}; a file of no layout gets {@link #enkash} (EnKash
 * field names, format by extension, no mapping). A layout whose files are broken keeps its name and
 * file pattern with {@code problem} set, so its input is refused with that reason.
 *
 * @param name       the descriptor's file name less {@code .properties}; the value of the CardLayout header
 * @param files      glob on input file names (case ignored), or null: chosen only by header
 * @param format     csv, json or xml
 * @param csvDelimiter the CSV delimiter, one character
 * @param xmlRecord  the name of the element that holds one record, child of the document's root
 * @param mapping    the absolute path of the JSONata mapping, or null for none
 * @param problem    why the layout cannot be used (naming its file), or null
 */
public record InputLayout(String name, String files, String format, String csvDelimiter, String xmlRecord,
        String mapping, String problem) {

    public static final String CSV = "csv";
    public static final String JSON = "json";
    public static final String XML = "xml";
    static final String DEFAULT_DELIMITER = ",";
    static final String DEFAULT_XML_RECORD = "card";

    /** Records in EnKash's own field names, read as the extension says: the inbox without layouts. */
    public static InputLayout enkash(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        String format = lower.endsWith(".csv") ? CSV : lower.endsWith(".xml") ? XML : JSON;
        return new InputLayout(null, null, format, DEFAULT_DELIMITER, DEFAULT_XML_RECORD, null, null);
    }

    static InputLayout broken(String name, String files, String problem) {
        return new InputLayout(name, files, null, null, null, null, problem);
    }

    /** True when {@code fileName} matches this layout's file pattern. */
    boolean matches(String fileName) {
        if (files == null) {
            return false;
        }
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + files.toLowerCase(Locale.ROOT));
        return glob.matches(Path.of(fileName.toLowerCase(Locale.ROOT)));
    }

    /** The mapping's file name, for messages. */
    public String mappingName() {
        return mapping == null ? null : Path.of(mapping).getFileName().toString();
    }

    /** The CSV delimiter as a URI option value (percent-encoded: a tab or {@code ;} survives the URI). */
    public String csvDelimiterOption() {
        return URLEncoder.encode(csvDelimiter, StandardCharsets.UTF_8);
    }
}
