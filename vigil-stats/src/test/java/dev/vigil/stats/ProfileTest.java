package dev.vigil.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Profile#fromBytes} reads every kind by its magic, as the kind's own reader does, and refuses the rest. */
class ProfileTest {

    /** Every golden file, of every format version: field profiles, the dataset profile and performance profiles. */
    static Stream<String> goldenFiles() throws IOException, URISyntaxException {
        Path dir = Path.of(ProfileTest.class.getResource("/golden").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".bin"))
                    .sorted()
                    .toList();
            assertThat(names).contains("numeric-v1.bin", "numeric-v2.bin", "dataset-v1.bin");
            return names.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenFiles")
    void aGoldenFileIsReadAsItsKindAndAsItsKindReadsIt(String name) {
        byte[] bytes = FieldProfileSerDeTest.golden(name);
        Profile profile = Profile.fromBytes(bytes);
        Profile own = name.startsWith("dataset-")
                ? DatasetProfile.fromBytes(bytes)
                : name.startsWith("performance-")
                        ? PerformanceProfile.fromBytes(bytes)
                        : name.startsWith("sample-") ? SampleProfile.fromBytes(bytes) : FieldProfile.fromBytes(bytes);
        assertThat(profile).isExactlyInstanceOf(own.getClass());
        assertThat(profile.metrics()).containsExactlyEntriesOf(own.metrics());
        assertThat(profile.toBytes()).isEqualTo(own.toBytes());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.vigil.stats.FieldProfileSerDeTest#profilesOfEveryKind")
    void aFieldProfileIsReadAsFieldProfileReadsIt(FieldProfile written) {
        byte[] bytes = written.toBytes();
        Profile profile = Profile.fromBytes(bytes);
        assertThat(profile).isInstanceOf(FieldProfile.class);
        FieldProfile own = FieldProfile.fromBytes(bytes);
        assertThat(((FieldProfile) profile).type()).isEqualTo(own.type());
        assertThat(profile.metrics()).containsExactlyEntriesOf(own.metrics());
        assertThat(profile.toBytes()).isEqualTo(own.toBytes());

        Profile partial = Profile.fromBytes(bytes, Profile.Decoding.WITHOUT_DISTINCT);
        assertThat(partial.metrics())
                .containsExactlyEntriesOf(
                        FieldProfile.fromBytesWithoutDistinct(bytes).metrics());
        assertThat(Profile.fromBytes(bytes, Profile.Decoding.WHOLE).metrics()).containsExactlyEntriesOf(own.metrics());
    }

    @Test
    void aDatasetProfileIsReadAsDatasetProfileReadsIt() {
        byte[] bytes = new DatasetProfile(1000, 3, 2, 7).toBytes();
        for (Profile.Decoding decoding : Profile.Decoding.values()) {
            Profile profile = Profile.fromBytes(bytes, decoding);
            assertThat(profile).as("%s", decoding).isEqualTo(DatasetProfile.fromBytes(bytes));
            assertThat(profile.toBytes()).isEqualTo(bytes);
        }
    }

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void aPerformanceProfileIsReadAsPerformanceProfileReadsIt(ModelType type) {
        for (PerformanceProfile written : PerformanceProfileTest.windows(type.specName())) {
            byte[] bytes = written.toBytes();
            for (Profile.Decoding decoding : Profile.Decoding.values()) {
                Profile profile = Profile.fromBytes(bytes, decoding);
                assertThat(profile).isInstanceOf(PerformanceProfile.class);
                assertThat(((PerformanceProfile) profile).type()).isEqualTo(type);
                assertThat(profile.metrics())
                        .containsExactlyEntriesOf(
                                PerformanceProfile.fromBytes(bytes).metrics());
                assertThat(profile.toBytes()).isEqualTo(bytes);
            }
        }
    }

    @Test
    void bytesWithoutAProfilesMagicAreRefusedWithASentence() {
        assertThatThrownBy(() -> Profile.fromBytes(null))
                .isInstanceOf(VigilStateException.class)
                .hasMessage("cannot read a profile from null bytes");
        for (int length = 0; length < 4; length++) {
            byte[] start = Arrays.copyOf(GoldenProfiles.numeric().toBytes(), length);
            assertThatThrownBy(() -> Profile.fromBytes(start))
                    .isInstanceOf(VigilStateException.class)
                    .hasMessage("truncated profile: " + length + " bytes, too short for a header");
        }
        byte[] other = GoldenProfiles.numeric().toBytes();
        other[2] = 'X';
        assertThatThrownBy(() -> Profile.fromBytes(other))
                .isInstanceOf(VigilStateException.class)
                .hasMessage("not a profile: expected magic bytes 'VGP' (field profile), 'VGD' (dataset profile),"
                        + " 'VGF' (performance profile) or 'VGS' (row sample), got 'VGX'");
        assertThatThrownBy(() -> Profile.fromBytes(new byte[] {0, (byte) 0xFF, 'V', 1, 0}))
                .isInstanceOf(VigilStateException.class)
                .hasMessageEndingWith("got bytes 0x00 0xFF 0x56");
    }

    @Test
    void aKnownMagicLeavesTheRestToTheKindsReader() {
        byte[] version9 = new DatasetProfile().toBytes();
        version9[3] = 9;
        assertThatThrownBy(() -> Profile.fromBytes(version9))
                .isInstanceOf(VigilStateException.class)
                .hasMessage("unsupported dataset profile format version 9 (this build reads versions 1 to 1)");
        byte[] truncated = Arrays.copyOf(GoldenProfiles.numeric().toBytes(), 20);
        assertThatThrownBy(() -> Profile.fromBytes(truncated))
                .isInstanceOf(VigilStateException.class)
                .hasMessageStartingWith("truncated field profile: ");
    }

    @Test
    void profilesMergeAsTheirKindMerges() {
        Profile numeric = Profile.fromBytes(GoldenProfiles.numeric().toBytes());
        numeric.merge(Profile.fromBytes(GoldenProfiles.numeric().toBytes()));
        FieldProfile expected = GoldenProfiles.numeric();
        expected.merge(GoldenProfiles.numeric());
        // 200 values stay below the KLL sketch's first compaction: the merge is deterministic, to the bit
        assertThat(numeric.metrics()).containsExactlyEntriesOf(expected.metrics());
        assertThat(numeric.toBytes()).isEqualTo(expected.toBytes());

        Profile dataset = new DatasetProfile(10, 1, 2, 3);
        dataset.merge(dataset);
        assertThat(dataset).isEqualTo(new DatasetProfile(20, 2, 4, 6));

        Profile performance = PerformanceProfile.create(ModelType.REGRESSION);
        ((PerformanceProfile) performance).addRegression(1.0, 2.0);
        performance.merge(PerformanceProfile.fromBytes(performance.toBytes()));
        assertThat(performance.metrics().get("actuals_count")).isEqualTo(2.0);
    }

    @Test
    void profilesOfAnotherKindDoNotMerge() {
        Profile dataset = new DatasetProfile(10, 1, 2, 3);
        assertThatThrownBy(() -> dataset.merge(GoldenProfiles.numeric()))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("cannot merge a field profile into a dataset profile");
        assertThatThrownBy(
                        () -> ((Profile) GoldenProfiles.numeric()).merge(PerformanceProfile.create(ModelType.BINARY)))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("cannot merge a performance profile into a field profile");
        Profile string = FieldProfile.create(FieldType.string());
        assertThatThrownBy(() -> string.merge((Profile) GoldenProfiles.numeric()))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageContaining("cannot merge a profile of a numeric field into one of a string field");
    }
}
