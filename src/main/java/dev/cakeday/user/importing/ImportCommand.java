package dev.cakeday.user.importing;

import dev.cakeday.config.Command;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

/** {@code import <file>}: the bulk import from a file, with progress on the console. */
@Component
class ImportCommand implements Command {

    private final UserImport userImport;

    ImportCommand(UserImport userImport) {
        this.userImport = userImport;
    }

    @Override
    public String name() {
        return "import";
    }

    @Override
    public String usage() {
        return "import <users.csv|users.ndjson>   import users in bulk (CSV header firstName,lastName,email,birthday,"
                + "timezone[,anniversary]; NDJSON by the .ndjson or .jsonl extension)";
    }

    @Override
    public int run(List<String> args) {
        PrintStream out = System.out;
        if (args.size() != 1) {
            System.err.println("usage: java -jar cakeday.jar " + usage());
            return 2;
        }
        Path file = Path.of(args.get(0));
        ImportFormat format = ImportFormat.ofFileName(file.getFileName().toString());
        long started = System.nanoTime();
        try (InputStream in = Files.newInputStream(file)) {
            ConsoleProgress progress = ConsoleProgress.to(out, Files.size(file));
            ImportReport report = userImport.run(in, format, progress);
            progress.done();
            double seconds = (System.nanoTime() - started) / 1e9;
            out.printf(
                    "imported %,d of %,d users in %.1f s (%,.0f rows/s); rejected %,d, of them %,d with an email "
                            + "already taken%n",
                    report.imported(),
                    report.received(),
                    seconds,
                    report.received() / seconds,
                    report.rejected(),
                    report.conflicts());
            for (ImportError error : report.errors()) {
                out.printf("  row %d: %s %s%n", error.row(), error.field(), error.reason());
            }
            if (report.errorCount() > report.errors().size()) {
                out.printf(
                        "  … and %,d more errors%n", report.errorCount() - report.errors().size());
            }
            return 0;
        } catch (NoSuchFileException e) {
            System.err.println("import failed: no file " + file);
            return 1;
        } catch (IOException e) {
            System.err.println("import failed: " + e.getMessage() + "; nothing was imported");
            return 1;
        } catch (ErrorResponseException e) {
            System.err.println(
                    "import failed: " + e.getBody().getDetail() + "; nothing was imported");
            return 1;
        }
    }
}
