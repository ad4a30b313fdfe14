"""Derives the coefficients C2..C12 of kernel/Exp.java (needs Python 3 and mpmath; not part of the build).

q(r) = C2 + C3 r + ... + C12 r^10 approximates g(r) = (exp(r) - 1 - r) / r^2 on |r| <= A, A just above
ln(2)/2, so that exp(r) = 1 + r + r^2 q(r). The Remez exchange algorithm minimises the largest weighted
error |g(r) - q(r)| * A^2 / exp(r), which bounds the error of r^2 q(r) relative to exp(r).

Run: python3 src/test/python/remez_exp.py
It prints each coefficient as a Java hex literal and the largest error of the polynomial with the
coefficients rounded to double, measured on a grid of 20,001 points.
"""
import mpmath as mp

mp.mp.dps = 60
DEGREE = 10
A = mp.log(2) / 2 + mp.mpf("1e-9")
POINTS = DEGREE + 2


def g(r):
    if abs(r) < mp.mpf("1e-20"):
        return mp.mpf(1) / 2 + r / 6
    return (mp.exp(r) - 1 - r) / r**2


def weight(r):
    return A**2 / mp.exp(r)


def error(coefficients, r):
    return weight(r) * (g(r) - mp.polyval(coefficients[::-1], r))


def solve(reference):
    """Coefficients and levelled error that alternate in sign on the reference points."""
    matrix = mp.matrix(POINTS, POINTS)
    values = mp.matrix(POINTS, 1)
    for i, r in enumerate(reference):
        for j in range(DEGREE + 1):
            matrix[i, j] = r**j
        matrix[i, DEGREE + 1] = (-1) ** i / weight(r)
        values[i] = g(r)
    solution = mp.lu_solve(matrix, values)
    return [solution[j] for j in range(DEGREE + 1)], solution[DEGREE + 1]


def extrema(coefficients, samples=4000):
    """The alternating extrema of the error, largest first where there are too many."""
    grid = [-A + 2 * A * k / samples for k in range(samples + 1)]
    errors = [error(coefficients, r) for r in grid]
    peaks = []
    for k, e in enumerate(errors):
        left = errors[k - 1] if k > 0 else None
        right = errors[k + 1] if k < samples else None
        if (left is None or abs(e) >= abs(left)) and (right is None or abs(e) >= abs(right)):
            if peaks and mp.sign(peaks[-1][1]) == mp.sign(e):
                if abs(e) > abs(peaks[-1][1]):
                    peaks[-1] = (grid[k], e)
            else:
                peaks.append((grid[k], e))
    while len(peaks) > POINTS:
        peaks.pop(0 if abs(peaks[0][1]) < abs(peaks[-1][1]) else -1)
    return peaks


def main():
    reference = [A * mp.cos(mp.pi * i / (POINTS - 1)) for i in range(POINTS)][::-1]
    for iteration in range(30):
        coefficients, levelled = solve(reference)
        peaks = extrema(coefficients)
        largest = max(abs(e) for _, e in peaks)
        if iteration > 3 and abs(largest - abs(levelled)) < mp.mpf("1e-6") * largest:
            break
        reference = [r for r, _ in peaks]
    for j, c in enumerate(coefficients):
        print("C%d = %s" % (j + 2, float(c).hex()))
    rounded = [mp.mpf(float(c)) for c in coefficients]
    worst = max(abs(error(rounded, -A + 2 * A * k / 20000)) for k in range(20001))
    print("largest error with double coefficients: 2^%s" % mp.nstr(mp.log(worst, 2), 4))


if __name__ == "__main__":
    main()
