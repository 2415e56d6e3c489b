package io.byzflink.p2p;

/** Moves a model between its layers ({@code float[layer][]}) and one flat vector, for the robust rules and attacks. */
final class Flat {

    private Flat() {}

    static float[] flatten(float[][] layers) {
        int d = 0;
        for (float[] l : layers) {
            d += l.length;
        }
        float[] out = new float[d];
        int at = 0;
        for (float[] l : layers) {
            System.arraycopy(l, 0, out, at, l.length);
            at += l.length;
        }
        return out;
    }

    /** Splits {@code flat} into layers shaped like {@code like}. */
    static float[][] unflatten(float[] flat, float[][] like) {
        float[][] out = new float[like.length][];
        int at = 0;
        for (int l = 0; l < like.length; l++) {
            out[l] = new float[like[l].length];
            System.arraycopy(flat, at, out[l], 0, like[l].length);
            at += like[l].length;
        }
        return out;
    }

    static float[][] copy(float[][] src) {
        float[][] out = new float[src.length][];
        for (int i = 0; i < src.length; i++) {
            out[i] = src[i].clone();
        }
        return out;
    }
}
