using System.Buffers.Binary;
using System.Runtime.ExceptionServices;
using Backprop.MLNet.Network;
using Backprop.MLNet.Training;
using Backprop.MLNet.Numerics;
using Microsoft.ML;

namespace Backprop.MLNet.Integration.Persistence;

/// <summary>
/// Our payload inside a BackpropMlp entry of an ML.NET model file, written and read here and nowhere else. It follows
/// ML.NET's own version header and is versioned by its first field (ours, separate from ML.NET's header), little-endian:
/// <code>
///   uint32  format version: 1 = the transformer entry of Backprop.MLNet 1.x (has the feature column name),
///                           2 = the model-parameters entry inside ML.NET's BinaryPredictionTransformer (no name)
///   int32   body length in bytes, then the body:
///   string  feature column name (BinaryWriter: 7-bit length, UTF-8)        — version 1 only
///   int32   input count d;  int32 hidden layer count L;  L × (int32 size, int32 activation)
///   int32   parameter count;  float32 × count   (W1, b1, …, W_L, b_L, U, c; each W row-major inputs×outputs)
///   int32   epochs;  epochs × (int32 epoch, float64 training loss, byte has-validation, float64 validation loss)
///   int32   the epoch whose weights these are (0 for weights given by hand)
///   uint32  CRC-32 of the body
///   uint32  end marker 0x424D4C50
/// </code>
/// </summary>
/// <remarks>
/// <para>
/// Reading never trusts a size before the bytes are known to exist: the payload's extent comes from ML.NET's header of
/// the entry (the model block's length, which ML.NET checks against the entry), the body length must fit it exactly, and
/// every count is checked against the bytes left before anything is allocated for it. The body is read straight from
/// the entry's stream (the weights into their final array, a chunk at a time, through the CRC), so loading allocates
/// one copy of the weights. A body whose contents are wrong is reported as such only when its checksum matches
/// (otherwise as corrupted), and every problem is a <see cref="ModelFileException"/>.
/// </para>
/// <para>
/// Writing checks everything the reader will check before the first byte, then streams the body the same way.
/// The limits are <see cref="NetworkLimits"/>', shared with the trainer, so whatever trains can be saved and loaded.
/// </para>
/// </remarks>
internal static class ModelPayload
{
    /// <summary>The payload version of Backprop.MLNet 1.x's transformer entry (read, never written now).</summary>
    public const uint TransformerVersion = 1;

    /// <summary>The payload version this code writes (the model-parameters entry) and the newest it reads.</summary>
    public const uint CurrentFormatVersion = 2;

    /// <summary>Longest feature column name (UTF-8 bytes) a version-1 entry may hold.</summary>
    public const int MaxFeatureColumnNameBytes = 1 << 16;

    /// <summary>Bytes of the payload outside the body: version, body length, CRC-32, end marker.</summary>
    public const int FramingBytes = 16;

    private const uint EndMarker = 0x424D4C50;

    /// <summary>
    /// Bytes of a version-2 body for <paramref name="model"/> (checked against the limits first).
    /// </summary>
    /// <exception cref="InvalidOperationException">The model cannot be written in a form this library can load again; the message says why.</exception>
    public static int CheckWritable(BackpropMlpModelParameters model)
    {
        ArgumentNullException.ThrowIfNull(model);
        NetworkParameters<float> net = model.Network;
        ParameterLayout layout = net.Layout;
        string? problem = NetworkLimits.CheckShape(layout.InputCount, layout.HiddenSizes, out _, out _);
        if (problem is not null)
        {
            throw CannotSave(problem);
        }

        if (net.Activations.Length != layout.LayerCount || net.Activations.Any(a => !Enum.IsDefined(a)))
        {
            throw CannotSave("its hidden layers' activations are not all known ones.");
        }

        if (net.Values.Length != layout.Count)
        {
            throw CannotSave($"it holds {net.Values.Length} parameters, but its layer shape needs {layout.Count}.");
        }

        int firstBad = FiniteValues.IndexOfNonFinite<float>(net.Values);
        if (firstBad >= 0)
        {
            throw CannotSave($"parameter {firstBad} is {net.Values[firstBad]}; only finite weights can be saved.");
        }

        int epochs = model.History.Count;
        if (epochs > NetworkLimits.MaxEpochs)
        {
            throw CannotSave($"its history has {epochs} epochs, more than the {NetworkLimits.MaxEpochs} a model file may hold.");
        }

        if (model.BestEpoch < 0 || model.BestEpoch > epochs)
        {
            throw CannotSave($"its kept epoch {model.BestEpoch} is not between 0 and its {epochs} epochs.");
        }

        long length = 4 + 4 + 8L * layout.LayerCount + 4 + 4L * layout.Count + 4 + (long)NetworkLimits.EpochRecordBytes * epochs + 4;
        if (length > int.MaxValue)
        {
            throw CannotSave($"its payload would be {length} bytes, more than a model entry's {int.MaxValue}.");
        }

        return (int)length;
    }

    /// <summary>
    /// Writes our payload (version 2). Everything is checked before the first byte is written, then the body is
    /// streamed through the CRC.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model cannot be saved (see <see cref="CheckWritable"/>); nothing was written.</exception>
    public static void Write(BinaryWriter writer, BackpropMlpModelParameters model)
    {
        ArgumentNullException.ThrowIfNull(writer);
        int length = CheckWritable(model);
        NetworkParameters<float> net = model.Network;
        writer.Write(CurrentFormatVersion);
        writer.Write(length);
        var body = new PayloadWriter(writer);
        body.Write(net.Layout.InputCount);
        body.Write(net.Layout.LayerCount);
        for (int l = 0; l < net.Layout.LayerCount; l++)
        {
            body.Write(net.Layout.HiddenSizes[l]);
            body.Write((int)net.Activations[l]);
        }

        body.Write(net.Values.Length);
        body.WriteFloats(net.Values);
        body.Write(model.History.Count);
        foreach (MlpEpochRecord record in model.History)
        {
            body.Write(record.Epoch);
            body.Write(record.TrainingLoss);
            body.Write(record.ValidationLoss.HasValue);
            body.Write(record.ValidationLoss ?? 0.0);
        }

        body.Write(model.BestEpoch);
        if (body.Written != length)
        {
            throw new InvalidOperationException($"Backprop.MLNet wrote {body.Written} bytes of payload body but announced {length}; this is a bug.");
        }

        writer.Write(body.Checksum);
        writer.Write(EndMarker);
    }

    /// <summary>
    /// Reads our payload from the entry ML.NET is loading. Its extent is the entry's model block (from ML.NET's header,
    /// which ML.NET has checked against the entry's length); the payload must fill it exactly.
    /// </summary>
    /// <param name="ctx">The load context, positioned at the model block (after <c>CheckAtModel</c>).</param>
    /// <param name="expectedVersion">The payload version the entry's kind holds (<see cref="TransformerVersion"/> or <see cref="CurrentFormatVersion"/>).</param>
    /// <returns>The feature column name (version 1 only, else null) and the model.</returns>
    /// <exception cref="ModelFileException">The payload is damaged, truncated or from a newer format; the message says which.</exception>
    public static (string? FeatureColumn, BackpropMlpModelParameters Model) Read(ModelLoadContext ctx, uint expectedVersion)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        Stream stream = ctx.Reader.BaseStream;
        long position = stream.Position;
        long available = ctx.FpMin + ctx.Header.FpModel + ctx.Header.CbModel - position;
        if (stream.CanSeek)
        {
            available = Math.Min(available, stream.Length - position);
        }

        return Read(stream, available, exact: true, expectedVersion);
    }

    /// <summary>Reads a payload that runs to the end of <paramref name="reader"/>'s (seekable) stream, or ends before it.</summary>
    /// <param name="reader">A reader over a seekable stream, at the payload's first byte.</param>
    /// <param name="expectedVersion">The payload version expected.</param>
    public static (string? FeatureColumn, BackpropMlpModelParameters Model) Read(BinaryReader reader, uint expectedVersion)
    {
        ArgumentNullException.ThrowIfNull(reader);
        Stream stream = reader.BaseStream;
        if (!stream.CanSeek)
        {
            throw new ArgumentException("The payload's stream must be seekable, so that its length is known before anything is read.", nameof(reader));
        }

        return Read(stream, stream.Length - stream.Position, exact: false, expectedVersion);
    }

    /// <summary>Reads our payload, checking every field before using it; a bad one raises <see cref="ModelFileException"/> saying what is wrong.</summary>
    /// <param name="stream">The stream, at the payload's first byte.</param>
    /// <param name="available">Bytes of the stream that belong to the payload (no more is read).</param>
    /// <param name="exact">Whether the payload must use all of <paramref name="available"/> (true inside a model entry).</param>
    /// <param name="expectedVersion">The payload version the entry's kind holds.</param>
    public static (string? FeatureColumn, BackpropMlpModelParameters Model) Read(Stream stream, long available, bool exact, uint expectedVersion)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = new PayloadReader(stream, available);
        uint version = reader.ReadUInt32();
        if (version == 0 || version > CurrentFormatVersion)
        {
            throw new ModelFileException(
                $"This BackpropMlp model was saved in model format version {version}, but this Backprop.MLNet " +
                $"({typeof(ModelPayload).Assembly.GetName().Version}) reads versions 1 to {CurrentFormatVersion}. " +
                (version > CurrentFormatVersion ? "Update the Backprop.MLNet package to load it." : "The file is damaged."));
        }

        if (version != expectedVersion)
        {
            throw Invalid($"format version {version} for this kind of entry (expected {expectedVersion})");
        }

        int length = reader.ReadInt32();
        long room = reader.Remaining - 8; // the CRC and the end marker follow the body
        if (length <= 0 || length > room)
        {
            throw new ModelFileException(
                $"The BackpropMlp model's payload gives its contents' length as {length} bytes, but its entry has room for {Math.Max(0, room)}; " +
                "the file is truncated or damaged.");
        }

        if (exact && length != room)
        {
            throw new ModelFileException(
                $"The BackpropMlp model's payload gives its contents' length as {length} bytes, but its entry holds {room}; the file is damaged.");
        }

        reader.BeginBody(length);
        (string? FeatureColumn, BackpropMlpModelParameters Model) result = default;
        ModelFileException? problem = null;
        try
        {
            result = ReadBody(reader, hasFeatureColumn: version == TransformerVersion);
            if (reader.BodyRemaining != 0)
            {
                throw Invalid($"length {length} of its contents (they end {reader.BodyRemaining} bytes early)");
            }
        }
        catch (ModelFileException e)
        {
            problem = e;
        }

        // A field that makes no sense is reported as such only when the checksum says the bytes are the ones written;
        // otherwise the file was corrupted (the rest of the body is read through the CRC, in chunks, to know which).
        uint computed = reader.FinishBody();
        if (reader.ReadUInt32() != computed)
        {
            throw new ModelFileException("The BackpropMlp model's checksum does not match its contents: the file is corrupted.", problem);
        }

        if (problem is not null)
        {
            ExceptionDispatchInfo.Throw(problem);
        }

        if (reader.ReadUInt32() != EndMarker)
        {
            throw Invalid("end marker");
        }

        return result;
    }

    private static (string? FeatureColumn, BackpropMlpModelParameters Model) ReadBody(PayloadReader reader, bool hasFeatureColumn)
    {
        string? featureColumn = null;
        if (hasFeatureColumn)
        {
            featureColumn = ReadFeatureColumn(reader);
        }

        int inputs = reader.ReadInt32();
        int layers = reader.ReadInt32();
        if (inputs is <= 0 or > NetworkLimits.MaxInputs && !(hasFeatureColumn && inputs is > 0 and <= Version1MaxInputs))
        {
            throw Invalid($"input count {inputs}");
        }

        if (layers is <= 0 or > NetworkLimits.MaxHiddenLayers)
        {
            throw Invalid($"hidden layer count {layers}");
        }

        reader.Need(8L * layers, $"shape fields of {layers} hidden layers");
        int[] sizes = new int[layers];
        var activations = new MlpActivation[layers];
        for (int l = 0; l < layers; l++)
        {
            sizes[l] = reader.ReadInt32();
            int activation = reader.ReadInt32();
            if (sizes[l] is <= 0 or > NetworkLimits.MaxLayerSize)
            {
                throw Invalid($"size {sizes[l]} of hidden layer {l}");
            }

            if (!Enum.IsDefined((MlpActivation)activation))
            {
                throw Invalid($"activation code {activation} of hidden layer {l}");
            }

            activations[l] = (MlpActivation)activation;
        }

        string shape = $"{inputs}→{string.Join("→", sizes)}→1";
        if (NetworkLimits.CheckShape(inputs, sizes, out long needed, out _) is not null)
        {
            // Sizes are in range here, so the only excess is the number of parameters (or inputs, which implies it).
            long parameters = NetworkLimits.ParameterCount(inputs, sizes);
            throw hasFeatureColumn && parameters < Version1MaxParameters
                ? SavedByVersion1BeyondLimits($"layer shape {shape} has {parameters} parameters, more than the {NetworkLimits.MaxParameters}")
                : new ModelFileException(
                    $"The BackpropMlp model's layer shape {shape} has {parameters} parameters, more than the {NetworkLimits.MaxParameters} a model may have; the file is damaged.");
        }

        int count = reader.ReadInt32();
        if (count != needed)
        {
            throw new ModelFileException($"The BackpropMlp model holds {count} weights, but its layer shape {shape} needs {needed}; the file is damaged.");
        }

        reader.Need(4L * count, $"{count} weights");
        ParameterLayout layout;
        try
        {
            layout = new ParameterLayout(inputs, sizes);
        }
        catch (ArgumentException e)
        {
            throw new ModelFileException($"The BackpropMlp model's layer shape {shape} is not a valid network; the file is damaged.", e);
        }

        float[] values = new float[count];
        reader.ReadFloats(values);
        int firstBad = FiniteValues.IndexOfNonFinite<float>(values);
        if (firstBad >= 0)
        {
            throw Invalid($"weight {firstBad} (not a finite number)");
        }

        int epochs = reader.ReadInt32();
        if (hasFeatureColumn && epochs is > NetworkLimits.MaxEpochs and <= Version1MaxEpochs)
        {
            throw SavedByVersion1BeyondLimits($"history has {epochs} epochs, more than the {NetworkLimits.MaxEpochs}");
        }

        if (epochs is < 0 or > NetworkLimits.MaxEpochs)
        {
            throw Invalid($"epoch count {epochs}");
        }

        reader.Need((long)NetworkLimits.EpochRecordBytes * epochs, $"history records of {epochs} epochs");
        var history = new EpochHistory(epochs);
        byte[] records = new byte[NetworkLimits.EpochRecordBytes * Math.Min(epochs, 4096)]; // read a few thousand records at a time
        for (int first = 0; first < epochs; first += records.Length / NetworkLimits.EpochRecordBytes)
        {
            int n = Math.Min(records.Length / NetworkLimits.EpochRecordBytes, epochs - first);
            reader.ReadBytes(records.AsSpan(0, n * NetworkLimits.EpochRecordBytes));
            for (int k = 0; k < n; k++)
            {
                ReadOnlySpan<byte> record = records.AsSpan(k * NetworkLimits.EpochRecordBytes, NetworkLimits.EpochRecordBytes);
                int epoch = BinaryPrimitives.ReadInt32LittleEndian(record);
                double training = BinaryPrimitives.ReadDoubleLittleEndian(record[4..]);
                byte hasValidation = record[12];
                double validation = BinaryPrimitives.ReadDoubleLittleEndian(record[13..]);
                if (hasValidation > 1)
                {
                    throw Invalid($"has-validation flag {hasValidation} of epoch record {first + k}");
                }

                history.Set(first + k, epoch, training, hasValidation == 1 ? validation : null);
            }
        }

        int bestEpoch = reader.ReadInt32();
        if (bestEpoch < 0 || bestEpoch > epochs)
        {
            throw Invalid($"kept epoch {bestEpoch} (of {epochs})");
        }

        var net = new NetworkParameters<float>(layout, activations, values);
        return (featureColumn, new BackpropMlpModelParameters(net, history, bestEpoch));
    }

    private static string ReadFeatureColumn(PayloadReader reader)
    {
        int length = reader.Read7BitEncodedLength();
        if (length == 0)
        {
            throw new ModelFileException("The BackpropMlp model names no feature column; the file is damaged.");
        }

        if (length is <= 0 or > MaxFeatureColumnNameBytes)
        {
            throw Invalid($"length {length} of the feature column's name");
        }

        reader.Need(length, "feature column name's bytes");
        byte[] bytes = new byte[length];
        reader.ReadBytes(bytes);
        string name = System.Text.Encoding.UTF8.GetString(bytes);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ModelFileException("The BackpropMlp model names no feature column; the file is damaged.");
        }

        return name;
    }

    /// <summary>Version 1 allowed up to 2³⁰ inputs (its own models loaded only below 2²⁹ parameters, where its reader overflowed).</summary>
    private const int Version1MaxInputs = 1 << 30;

    /// <summary>The most parameters a version-1 model file could hold and version 1 could load again.</summary>
    private const long Version1MaxParameters = 1L << 29;

    /// <summary>Version 1's most training epochs.</summary>
    private const int Version1MaxEpochs = 100_000_000;

    /// <summary>
    /// A version-1 model that version 1 could save and load, but beyond the limits this version shares between training,
    /// saving and loading (<see cref="NetworkLimits"/>): not damaged, but not loadable here either.
    /// </summary>
    private static ModelFileException SavedByVersion1BeyondLimits(string what) => new(
        $"The BackpropMlp model's {what} this Backprop.MLNet trains, saves and loads. It was saved by Backprop.MLNet 1.x, " +
        "whose limits were looser: score it with that version, or train a smaller network with this one.");

    private static ModelFileException Invalid(string what) => new($"The BackpropMlp model has an invalid {what}; the file is damaged.");

    private static InvalidOperationException CannotSave(string why) =>
        new($"This BackpropMlp model cannot be saved: {why} Nothing of its entry was written.");
}
