package io.byzflink.serde.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.List;

class KeyValuesTest {

    @Test
    void parsesTrimsAndLetsLaterOverridesWin() {
        assertThat(KeyValues.parse(List.of("rounds=5", " train.lr = 0.1 ", "rounds=7", "keys=a=b")))
                .containsExactly(java.util.Map.entry("rounds", "7"), java.util.Map.entry("train.lr", "0.1"),
                        java.util.Map.entry("keys", "a=b"));
    }

    @Test
    void refusesAnArgumentWithoutKeyAndEquals() {
        assertThatThrownBy(() -> KeyValues.parse(List.of("rounds=5", "=3"))).hasMessage("--set expects key=value, got '=3'");
        assertThatThrownBy(() -> KeyValues.parse(List.of("rounds"))).hasMessage("--set expects key=value, got 'rounds'");
    }
}
