package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * LICENSE, NOTICE and the license allow-list against what the distribution really bundles: the list the license
 * check writes (target/generated-sources/license/THIRD-PARTY.txt, every runtime jar with its licenses) and the jars
 * themselves on this test's class path. A new dependency that ships a NOTICE, or that is not under the Apache
 * License, fails here until NOTICE carries it.
 */
class LicenseFilesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern THIRD_PARTY_LINE = Pattern.compile("^\\s+((?:\\([^)]*\\) )+).* \\(([^ ]+) - .*\\)$");
    private static final Pattern LICENSE = Pattern.compile("\\(([^)]*)\\)");

    record Bundled(String gav, List<String> licenses) {
        String groupArtifact() {
            return gav.substring(0, gav.lastIndexOf(':'));
        }
    }

    @Test
    void licenseIsTheApacheLicenseTextUnchanged() throws Exception {
        String text = Files.readString(ROOT.resolve("LICENSE"));
        assertThat(text)
                .startsWith("\n                                 Apache License\n"
                        + "                           Version 2.0, January 2004\n")
                .contains("   END OF TERMS AND CONDITIONS\n")
                .endsWith("   limitations under the License.\n")
                .hasLineCount(202);
    }

    @Test
    void theAllowListHoldsNoCopyleftThatWouldBindVigilsDistribution() throws Exception {
        List<String> allowed = allowed();
        assertThat(allowed).contains("Apache-2.0", "MIT", "BSD-2-Clause", "BSD-3-Clause");
        for (String license : allowed) {
            assertThat(license.toUpperCase(Locale.ROOT))
                    .as("allowed-licenses.txt: %s", license)
                    .doesNotContain("GPL")
                    .doesNotContain("GNU")
                    .doesNotContain("SSPL")
                    .doesNotContain("COMMONS CLAUSE");
        }
    }

    @Test
    void everyBundledJarHasAnAllowedLicense() throws Exception {
        List<String> allowed = allowed();
        List<Bundled> bundled = bundled();
        assertThat(bundled).as("the runtime jars of the distribution").hasSizeGreaterThan(100);
        for (Bundled b : bundled) {
            assertThat(b.licenses()).as(b.gav()).containsAnyElementsOf(allowed);
        }
    }

    @Test
    void noticeCarriesEveryBundledNoticeAndEveryNonApacheAttribution() throws Exception {
        String notice = Files.readString(ROOT.resolve("NOTICE"));
        assertThat(notice).startsWith("Vigil\nCopyright 2026 The Vigil authors\n");
        Set<String> onClassPath = new HashSet<>();
        int checked = 0;
        for (Bundled b : bundled()) {
            Path jar = jarOnClassPath(b);
            if (jar == null) {
                continue;
            }
            onClassPath.add(b.gav());
            boolean shipsNotice = shipsNotice(jar);
            if (shipsNotice || !b.licenses().contains("Apache-2.0")) {
                assertThat(notice)
                        .as("NOTICE names %s (%s)", b.gav(), shipsNotice ? "it ships a NOTICE" : b.licenses())
                        .contains(b.gav());
                checked++;
            }
        }
        assertThat(onClassPath).as("the test class path holds the bundled jars").hasSizeGreaterThan(100);
        assertThat(checked).isGreaterThan(50);
    }

    private static List<String> allowed() throws IOException {
        return Files.readAllLines(Path.of("src/license/allowed-licenses.txt")).stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .toList();
    }

    private static List<Bundled> bundled() throws IOException {
        Path file = Path.of("target/generated-sources/license/THIRD-PARTY.txt");
        assertThat(file)
                .as("written by the license check in generate-resources")
                .exists();
        List<Bundled> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            Matcher m = THIRD_PARTY_LINE.matcher(line);
            if (m.matches()) {
                List<String> licenses = new ArrayList<>();
                Matcher l = LICENSE.matcher(m.group(1));
                while (l.find()) {
                    licenses.add(l.group(1));
                }
                out.add(new Bundled(m.group(2), licenses));
            }
        }
        return out;
    }

    /** The jar of {@code b} on the class path (Maven's repository layout), or null for one of ours. */
    private static Path jarOnClassPath(Bundled b) {
        String[] gav = b.gav().split(":");
        String dir = "/" + gav[0].replace('.', '/') + "/" + gav[1] + "/" + gav[2] + "/";
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String unix = entry.replace(File.separatorChar, '/');
            if (unix.contains(dir) && unix.endsWith(".jar")) {
                return Path.of(entry);
            }
        }
        return null;
    }

    private static boolean shipsNotice(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().anyMatch(e -> e.getName().matches("(?i)META-INF/NOTICE[^/]*"));
        }
    }
}
