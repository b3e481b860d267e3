package io.cardroutes.pipeline;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.cardroutes.JsonProblems;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What YAML cannot say well about input files: one-or-many records, a readable parse error, and the
 * in-progress folder. A file is moved to {@code .inprogress/<unique>/<name>} before it is read, so a
 * file dropped again under the same name meanwhile is a new file, never carried off with the first.
 */
public class InboxFiles {

    private static final Logger LOG = LoggerFactory.getLogger(InboxFiles.class);
    static final String IN_PROGRESS = ".inprogress";
    static final String RESULTS_SUFFIX = ".results.json";
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /**
     * At start-up, before the inbox is read: puts the files a stopped or killed run left in progress
     * back into the inbox under their own names (their requests are replayed or settled there, never
     * sent twice); a name taken meanwhile gets {@code -unfinished-<folder>} added.
     */
    public static void returnUnfinished(Path inbox) throws IOException {
        Path inProgress = inbox.resolve(IN_PROGRESS);
        if (!Files.isDirectory(inProgress)) {
            return;
        }
        try (Stream<Path> folders = Files.list(inProgress)) {
            for (Path folder : folders.filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.list(folder)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        String name = file.getFileName().toString();
                        Path target = inbox.resolve(name);
                        if (Files.exists(target)) {
                            int dot = name.lastIndexOf('.');
                            target = inbox.resolve(name.substring(0, dot) + "-unfinished-" + folder.getFileName()
                                    + name.substring(dot));
                        }
                        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
                        LOG.warn("{} was left in progress by an earlier run: back in the inbox as {}", name,
                                target.getFileName());
                    }
                }
                Files.deleteIfExists(folder);
            }
        }
    }

    /**
     * Deletes the empty folders under {@code .inprogress} (a file's folder stays behind when it moves
     * on). Housekeeping only: a folder it cannot delete is left for the next file, never an error.
     */
    public void sweep(String inbox) {
        Path inProgress = Path.of(inbox).resolve(IN_PROGRESS);
        if (!Files.isDirectory(inProgress)) {
            return;
        }
        try (Stream<Path> folders = Files.list(inProgress)) {
            for (Path folder : folders.filter(Files::isDirectory).toList()) {
                try (Stream<Path> inside = Files.list(folder)) {
                    if (inside.findAny().isEmpty()) {
                        Files.deleteIfExists(folder);
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("could not tidy {}: {}", inProgress, e.toString());
        }
    }

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
