package dev.coffer.tck.rotation;

import dev.coffer.tck.rotation.RotatorFixture.InvalidParams;
import java.util.List;
import java.util.Map;

/** Params the generated rotator must refuse, shared by its two contract runs. */
final class GeneratedInvalidParams {
    static final List<InvalidParams> ALL = List.of(
            InvalidParams.of("name an unknown param", Map.of("lenght", "20")),
            InvalidParams.of("give a length below 8", Map.of("length", "7")),
            InvalidParams.of("give a length above 1024", Map.of("length", "1025")),
            InvalidParams.of("give a length that is not a number", Map.of("length", "twenty")),
            InvalidParams.of("require an unknown class", Map.of("require", "lower,emoji")),
            InvalidParams.of("exclude every digit while requiring digits", Map.of("require", "digit", "exclude", "0123456789")),
            InvalidParams.of("give bytes below 16", Map.of("bytes", "15")),
            InvalidParams.of("give an unknown encoding", Map.of("bytes", "32", "encoding", "base32")),
            InvalidParams.of("mix bytes with a password param", Map.of("bytes", "32", "length", "20")),
            InvalidParams.of("give an encoding without bytes", Map.of("encoding", "hex")));

    private GeneratedInvalidParams() {}
}
