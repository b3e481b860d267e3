package io.cardroutes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The folders that hold personal data (results, error notes, processed inbox files, the H2 database and
 * its trace file, the broker journal) are the bundle's user's alone: created, or tightened, to 0700 before
 * anything writes there, so what is inside is unreadable by other users whatever the umask made it. The
 * inbox itself is only created so: when it exists, whoever drops files there keeps the access they have.
 */
public final class PrivateFolders {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private PrivateFolders() {
    }

    public static void prepare(Settings settings) {
        Path inbox = settings.folder("app.inbox");
        create(inbox);
        List<Path> owned = new ArrayList<>(List.of(inbox.resolve(".inprogress"), inbox.resolve(".done"),
                settings.folder("app.outbox"), settings.folder("app.error-dir")));
        h2Folder(settings.text("app.db.url", "")).ifPresent(owned::add);
        if (settings.text("app.broker.url", "").isEmpty()) {
            owned.add(settings.folder("app.broker.data-dir"));
        }
        for (Path folder : owned) {
            create(folder);
            tighten(folder);
        }
    }

    /** The folder of an H2 file database ({@code jdbc:h2:file:./data/db/cards;...}); none for others. */
    static Optional<Path> h2Folder(String jdbcUrl) {
        String url = jdbcUrl.trim();
        if (!url.toLowerCase(Locale.ROOT).startsWith("jdbc:h2:")) {
            return Optional.empty();
        }
        String target = url.substring("jdbc:h2:".length());
        int options = target.indexOf(';');
        target = options < 0 ? target : target.substring(0, options);
        if (target.startsWith("file:")) {
            target = target.substring("file:".length());
        } else if (target.matches("^(mem|tcp|ssl|zip|split|nio\\w*|async|memFS|memLZF):.*")) {
            return Optional.empty();
        }
        if (target.startsWith("~")) {
            target = System.getProperty("user.home") + target.substring(1);
        }
        Path parent = Path.of(target).toAbsolutePath().normalize().getParent();
        return Optional.ofNullable(parent);
    }

    private static void create(Path folder) {
        try {
            if (POSIX) {
                Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createDirectories(folder);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + folder, e);
        }
    }

    private static void tighten(Path folder) {
        if (!POSIX) {
            return;
        }
        try {
            if (!Files.getPosixFilePermissions(folder).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(folder, OWNER_ONLY);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + folder + " private (chmod 700)", e);
        }
    }
}
