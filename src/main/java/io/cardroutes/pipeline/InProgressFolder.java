package io.cardroutes.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's in-progress folder, {@code <inbox>/.inprogress/<instance>} (bean {@code inProgress}). A file
 * is moved to {@code <instance>/<unique>/<name>} before it is read, so a file dropped again under the same name
 * meanwhile is a new file, never carried off with the first. One folder per instance, because several
 * instances may share one inbox: at start each puts back only what it left unfinished itself, never a file
 * that another, live instance is reading.
 */
public class InProgressFolder {

    private static final Logger LOG = LoggerFactory.getLogger(InProgressFolder.class);
    static final String IN_PROGRESS = ".inprogress";
    static final String UNFINISHED = "-unfinished-";
    /** A returned file renamed because its name was taken: its name, the marker and its folder, its extension. */
    private static final Pattern RENAMED = Pattern.compile(
            "(.*)" + UNFINISHED + "\\d{8}-\\d{9}-[A-Za-z0-9-]+(\\.[^.]*)?");
    private final Path inbox;
    private final String name;

    /** The folder of the instance named {@code instance} (app.instance-name), a safe folder name made of it. */
    public InProgressFolder(Path inbox, String instance) {
        this.inbox = inbox;
        this.name = instance.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The folder's name under {@code .inprogress}, for the route's preMove and move expressions. */
    public String name() {
        return name;
    }

    /**
     * At start-up, before the inbox is read: puts the files this instance left in progress when it was
     * stopped or killed back into the inbox under their own names (their requests are replayed or settled
     * there, never sent twice); a name taken meanwhile gets {@code -unfinished-<folder>} added. A returned
     * file gets the current time as its modification time: its key in the taken files (name, size, time)
     * is then new, so a key a killed run left behind does not keep it from being taken. Files directly in
     * {@code .inprogress/<unique>/}, the layout before instance folders, are returned too.
     */
    public void returnUnfinished() throws IOException {
        returnFilesIn(inbox.resolve(IN_PROGRESS).resolve(name));
        returnFilesIn(inbox.resolve(IN_PROGRESS));
    }

    private void returnFilesIn(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> folders = Files.list(root)) {
            for (Path folder : folders.filter(Files::isDirectory).toList()) {
                List<Path> files;
                try (Stream<Path> inside = Files.list(folder)) {
                    files = inside.filter(Files::isRegularFile).toList();
                }
                if (files.isEmpty()) {
                    continue; // another instance's folder, or an empty one the sweep removes
                }
                for (Path file : files) {
                    String fileName = file.getFileName().toString();
                    Path target = inbox.resolve(fileName);
                    if (Files.exists(target)) {
                        int dot = fileName.lastIndexOf('.') < 0 ? fileName.length() : fileName.lastIndexOf('.');
                        target = inbox.resolve(fileName.substring(0, dot) + UNFINISHED + folder.getFileName()
                                + fileName.substring(dot));
                    }
                    Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
                    Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
                    LOG.warn("{} was left in progress by an earlier run: back in the inbox as {}", fileName,
                            target.getFileName());
                }
                Files.deleteIfExists(folder);
            }
        }
    }

    /**
     * The name a file came in under: a file returned under {@code <name>-unfinished-<folder>.<ext>} (its own name
     * was taken) is still {@code <name>.<ext>} for its records' default requestIds and its layout, so that the
     * requests it had already settled are replayed, never sent again under new ids.
     */
    public String originalName(String fileName) {
        Matcher renamed = RENAMED.matcher(fileName);
        return renamed.matches() ? renamed.group(1) + (renamed.group(2) == null ? "" : renamed.group(2)) : fileName;
    }

    /**
     * Deletes the empty folders in this instance's folder (a file's folder stays behind when it moves on).
     * Housekeeping only: a folder it cannot delete is left for the next file, never an error.
     */
    public void sweep() {
        Path own = inbox.resolve(IN_PROGRESS).resolve(name);
        if (!Files.isDirectory(own)) {
            return;
        }
        try (Stream<Path> folders = Files.list(own)) {
            for (Path folder : folders.filter(Files::isDirectory).toList()) {
                try (Stream<Path> inside = Files.list(folder)) {
                    if (inside.findAny().isEmpty()) {
                        Files.deleteIfExists(folder);
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("could not tidy {}: {}", own, e.toString());
        }
    }
}
