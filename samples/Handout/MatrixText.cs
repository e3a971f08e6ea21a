using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.MLNet.Samples.Handout;

/// <summary>Matrices and vectors as aligned text, one example (row) per line.</summary>
public static class MatrixText
{
    /// <summary>One line per row: <c>[  0.123456  -0.654321 ]</c>.</summary>
    public static IEnumerable<string> Rows(Matrix<float> m) =>
        Enumerable.Range(0, m.RowCount).Select(i => Row(m.Row(i)));

    /// <summary>A vector on one line.</summary>
    public static string Row(Vector<float> v) => "[" + string.Concat(v.Select(Number)) + " ]";

    /// <summary>A number with a sign column and six decimals.</summary>
    public static string Number(float value) => string.Format(CultureInfo.InvariantCulture, " {0,10:F6}", value);
}
