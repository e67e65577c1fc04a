package org.nicemu.mptcp.sched.blest;

/**
 * The module parameters of mptcp_blest.c, validated: lambdas in tenths (12 = 1.2), the dynamic steps
 * in thousandths of lambda (10 = 0.01).
 */
record BlestParams(int lambda, int maxLambda, int minLambda, int dynLambdaGood, int dynLambdaBad) {
    static final BlestParams DEFAULTS = new BlestParams(12, 13, 10, 10, 40);

    BlestParams {
        check("lambda", lambda);
        check("maxLambda", maxLambda);
        check("minLambda", minLambda);
        check("dynLambdaGood", dynLambdaGood);
        check("dynLambdaBad", dynLambdaBad);
        if (minLambda > maxLambda) {
            throw new IllegalArgumentException("minLambda (" + minLambda + ") must not exceed maxLambda (" + maxLambda + ")");
        }
    }

    private static void check(String name, int v) {
        if (v < 0 || v > 255) {
            throw new IllegalArgumentException(name + " must be 0..255 (u8 module parameter), got " + v);
        }
    }

    @Override
    public String toString() {
        return "lambda=" + lambda + " maxLambda=" + maxLambda + " minLambda=" + minLambda + " dynLambdaGood=" + dynLambdaGood
                + " dynLambdaBad=" + dynLambdaBad;
    }
}
