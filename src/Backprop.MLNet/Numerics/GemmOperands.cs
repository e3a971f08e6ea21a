namespace Backprop.MLNet.Numerics;

/// <summary>
/// One single-precision product <c>C = [C +] op(A)·op(B)</c> described by raw pointers, so that it can be
/// handed to worker threads and cut into independent slices of C.
/// </summary>
/// <remarks>The storage behind the pointers must stay pinned while the product runs.</remarks>
internal readonly unsafe struct GemmOperands
{
    /// <summary>Creates the description of a product; see <see cref="Gemm.Multiply{T}"/> for the meaning of each argument.</summary>
    public GemmOperands(
        Transpose transA, Transpose transB, int m, int n, int k,
        float* a, nint lda, float* b, nint ldb, float* c, nint ldc, bool accumulate)
    {
        TransA = transA;
        TransB = transB;
        M = m;
        N = n;
        K = k;
        A = a;
        Lda = lda;
        B = b;
        Ldb = ldb;
        C = c;
        Ldc = ldc;
        Accumulate = accumulate;
    }

    /// <summary>Whether A is stored transposed (k×m).</summary>
    public Transpose TransA { get; }

    /// <summary>Whether B is stored transposed (n×k).</summary>
    public Transpose TransB { get; }

    /// <summary>Rows of C.</summary>
    public int M { get; }

    /// <summary>Columns of C.</summary>
    public int N { get; }

    /// <summary>Inner dimension.</summary>
    public int K { get; }

    /// <summary>First element of A as stored.</summary>
    public float* A { get; }

    /// <summary>Row stride of A as stored.</summary>
    public nint Lda { get; }

    /// <summary>First element of B as stored.</summary>
    public float* B { get; }

    /// <summary>Row stride of B as stored.</summary>
    public nint Ldb { get; }

    /// <summary>First element of C.</summary>
    public float* C { get; }

    /// <summary>Row stride of C.</summary>
    public nint Ldc { get; }

    /// <summary>Whether the product is added to C rather than overwriting it.</summary>
    public bool Accumulate { get; }

    /// <summary>The same product restricted to rows <c>[start, start + count)</c> of C (and of op(A)).</summary>
    public GemmOperands SliceRows(int start, int count)
    {
        float* a = TransA == Transpose.No ? A + start * Lda : A + start;
        return new GemmOperands(TransA, TransB, count, N, K, a, Lda, B, Ldb, C + start * Ldc, Ldc, Accumulate);
    }

    /// <summary>The same product restricted to columns <c>[start, start + count)</c> of C (and of op(B)).</summary>
    public GemmOperands SliceColumns(int start, int count)
    {
        float* b = TransB == Transpose.No ? B + start : B + start * Ldb;
        return new GemmOperands(TransA, TransB, M, count, K, A, Lda, b, Ldb, C + start, Ldc, Accumulate);
    }
}
