package io.byzflink.serde.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.util.List;

class DidYouMeanTest {

    @Test
    void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        assertThat(DidYouMean.editDistance("kitten", "sitting")).isEqualTo(3);
        assertThat(DidYouMean.editDistance("", "abc")).isEqualTo(3);
        assertThat(DidYouMean.editDistance("train.lr", "train.lr")).isZero();
        assertThat(DidYouMean.editDistance("trian.lr", "train.lr")).isEqualTo(2);
    }

    @Test
    void suggestsTheNearestKeyOnlyWhenItIsClose() {
        List<String> known = List.of("train.lr", "train.momentum", "rounds");
        assertThat(DidYouMean.suggestion("trian.lr", known)).isEqualTo(" (did you mean 'train.lr'?)");
        assertThat(DidYouMean.suggestion("round", known)).isEqualTo(" (did you mean 'rounds'?)");
        assertThat(DidYouMean.suggestion("completely.else", known)).isEmpty();
    }
}
