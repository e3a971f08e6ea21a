using Microsoft.ML.Data;

namespace Backprop.MLNet.Integration.Data;

/// <summary>
/// Which rows of a streamed IDataView are held out for validation: a row is held out when a hash of its row id (stable
/// whatever order a cursor visits it in) and the seed falls below the fraction. No list of rows is ever kept, and the
/// same seed holds out the same rows on every pass.
/// </summary>
/// <param name="Seed">The training seed.</param>
/// <param name="Fraction">Share of rows held out.</param>
/// <param name="HeldOut">True to select the held-out rows, false the others.</param>
internal readonly record struct RowSelection(int Seed, double Fraction, bool HeldOut)
{
    /// <summary>Whether the row with this id is selected.</summary>
    public bool Includes(in DataViewRowId id) => (Uniform(id) < Fraction) == HeldOut;

    private double Uniform(in DataViewRowId id)
    {
        // SplitMix64 finaliser over the id's 128 bits and the seed: uniform in [0, 1).
        ulong z = id.Low ^ (id.High * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)Seed << 32 | 0x5BD1E995UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
