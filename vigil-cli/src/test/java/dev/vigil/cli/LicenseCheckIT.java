package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's license check, run by Maven itself on a throwaway project that inherits Vigil's root POM and uses
 * vigil-cli's allow-list: a dependency offered only under the GPL fails the build, one also offered under the Apache
 * License passes. The dependencies are made up and served from a file repository, so Maven stays offline.
 */
class LicenseCheckIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    record Build(int code, String log) {}

    @Test
    void aDependencyOnlyUnderTheGplFailsTheBuild() throws Exception {
        Path repo = repository();
        Build build = build(probe("gpl-probe", repo, "gpl-only"));
        assertThat(build.code()).as(build.log()).isNotZero();
        assertThat(build.log())
                .contains("License: 'GNU General Public License, Version 3' used by 1 dependencies:")
                .contains("-gpl-only (dev.vigil.licenseprobe:gpl-only:1.0")
                .contains("There are some forbidden licenses used, please check your dependencies.");
    }

    @Test
    void aDependencyAlsoUnderTheApacheLicensePasses() throws Exception {
        Path repo = repository();
        Path probe = probe("dual-probe", repo, "gpl-or-apache");
        Build build = build(probe);
        assertThat(build.code()).as(build.log()).isZero();
        assertThat(Files.readString(probe.resolve("target/generated-sources/license/THIRD-PARTY.txt")))
                .as("the root POM's merges gave the Apache License its SPDX name")
                .contains("(Apache-2.0) (GNU General Public License, Version 3) gpl-or-apache"
                        + " (dev.vigil.licenseprobe:gpl-or-apache:1.0");
    }

    private Path repository() throws IOException {
        Path repo = dir.resolve("repo");
        artifact(repo, "gpl-only", "<license><name>GNU General Public License, Version 3</name></license>");
        artifact(
                repo,
                "gpl-or-apache",
                "<license><name>GNU General Public License, Version 3</name></license>"
                        + "<license><name>The Apache Software License, Version 2.0</name></license>");
        return repo;
    }

    private static void artifact(Path repo, String artifactId, String licenses) throws IOException {
        Path base = Files.createDirectories(repo.resolve("dev/vigil/licenseprobe/" + artifactId + "/1.0"));
        Files.writeString(
                base.resolve(artifactId + "-1.0.pom"),
                """
                <project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
                  <groupId>dev.vigil.licenseprobe</groupId><artifactId>%s</artifactId><version>1.0</version>
                  <name>%1$s</name>
                  <licenses>%s</licenses>
                </project>
                """
                        .formatted(artifactId, licenses));
        try (ZipOutputStream jar = new ZipOutputStream(Files.newOutputStream(base.resolve(artifactId + "-1.0.jar")))) {
            jar.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            jar.write("Manifest-Version: 1.0\n".getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
    }

    private Path probe(String name, Path repo, String dependency) throws IOException {
        Path probe = Files.createDirectories(dir.resolve(name));
        Files.writeString(
                probe.resolve("pom.xml"),
                """
                <project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
                  <parent>
                    <groupId>dev.vigil</groupId><artifactId>vigil-parent</artifactId><version>0.1.0-SNAPSHOT</version>
                    <relativePath>%s</relativePath>
                  </parent>
                  <artifactId>%s</artifactId>
                  <repositories><repository><id>license-probe</id><url>%s</url></repository></repositories>
                  <dependencies>
                    <dependency><groupId>dev.vigil.licenseprobe</groupId><artifactId>%s</artifactId><version>1.0</version></dependency>
                  </dependencies>
                  <build><plugins><plugin>
                    <groupId>org.codehaus.mojo</groupId><artifactId>license-maven-plugin</artifactId>
                    <configuration><includedLicenses>%s</includedLicenses></configuration>
                    <executions><execution><id>third-party-licenses</id><goals><goal>add-third-party</goal></goals></execution></executions>
                  </plugin></plugins></build>
                </project>
                """
                        .formatted(
                                probe.relativize(ROOT.resolve("pom.xml")),
                                name,
                                repo.toUri(),
                                dependency,
                                ROOT.resolve("vigil-cli/src/license/allowed-licenses.txt")
                                        .toUri()));
        return probe;
    }

    /** Maven through the project's wrapper, offline but for the file repository. */
    private Build build(Path probe) throws Exception {
        Path log = dir.resolve(probe.getFileName() + ".log");
        Process p = new ProcessBuilder(List.of(
                        ROOT.resolve("mvnw").toString(),
                        "-B",
                        "-o",
                        "-Daether.offline.protocols=file",
                        "-Denforcer.skip",
                        "-f",
                        probe.resolve("pom.xml").toString(),
                        "generate-resources"))
                .directory(probe.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("Maven finished").isTrue();
        return new Build(p.exitValue(), Files.readString(log));
    }
}
