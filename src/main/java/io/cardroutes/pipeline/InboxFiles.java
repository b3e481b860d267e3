package io.cardroutes.pipeline;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.cardroutes.JsonProblems;
import org.apache.camel.Exchange;

/**
 * What YAML cannot say well about input files: one-or-many records, a readable parse error, the name of
 * a results file. The in-progress folder is {@link InProgressFolder}'s.
 */
public class InboxFiles {

    static final String RESULTS_SUFFIX = ".results.json";
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /**
     * The file's bytes without a leading UTF-8 byte-order mark (which spreadsheet programs write and
     * which would otherwise become part of the first CSV column's name), still streamed.
     */
    public InputStream withoutByteOrderMark(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in);
        buffered.mark(BOM.length);
        byte[] start = buffered.readNBytes(BOM.length);
        if (!Arrays.equals(start, BOM)) {
            buffered.reset();
        }
        return buffered;
    }

    /**
     * The name of the results file for input file {@code inputName}: {@code <inputName>.results.json}
     * (so {@code X.csv} and {@code X.json} never share one), or, while that name is still taken in
     * {@code outbox} by an earlier file's results, {@code <inputName>.2.results.json}, {@code .3.}, and
     * so on: the first free one. A results file is never overwritten.
     */
    public String resultsName(String outbox, String inputName) {
        Path folder = Path.of(outbox);
        String name = inputName + RESULTS_SUFFIX;
        for (int n = 2; Files.exists(folder.resolve(name)); n++) {
            name = inputName + "." + n + RESULTS_SUFFIX;
        }
        return name;
    }

    /** Deletes a local work file (the results of an SFTP file) once it has been put on the server. */
    public void discard(java.io.File work) throws IOException {
        Files.deleteIfExists(work.toPath());
    }

    /** A JSON file holds one request object or an array of them; either way the splitter gets a list. */
    public List<?> records(Object body) {
        if (body instanceof List<?> list) {
            return list;
        }
        if (body instanceof Map<?, ?> single) {
            return List.of(single);
        }
        throw new InvalidRequestException("a card request file must hold a JSON object or an array of objects, not "
                + (body == null ? "nothing" : "a " + body.getClass().getSimpleName()));
    }

    /** The text of X.error.txt: what is wrong with the file, with line and column where the parser knows them. */
    public String describeError(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String file = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        StringBuilder text = new StringBuilder();
        text.append("File: ").append(file).append('\n');
        JsonProcessingException json = JsonProblems.in(caught);
        if (json != null) {
            JsonLocation at = json.getLocation();
            text.append("Problem: not valid JSON: ").append(json.getOriginalMessage()).append('\n');
            if (at != null) {
                text.append("Line: ").append(at.getLineNr()).append(", column: ").append(at.getColumnNr())
                        .append('\n');
            }
            return text.toString();
        }
        Throwable cause = caught; // the root cause
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        text.append("Problem: ").append(cause == null ? "unknown" : cause.getClass().getSimpleName() + ": "
                + cause.getMessage()).append('\n');
        return text.toString();
    }
}
