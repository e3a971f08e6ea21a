using System.Runtime.InteropServices;
using Backprop.MLNet.Network;
using Backprop.MLNet.Numerics;

namespace Backprop.MLNet.MLNet.Persistence;

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
internal static class ModelPayload
{
    /// <summary>The payload version of Backprop.MLNet 1.x's transformer entry (read, never written now).</summary>
    public const uint TransformerVersion = 1;

    /// <summary>The payload version this code writes (the model-parameters entry) and the newest it reads.</summary>
    public const uint CurrentFormatVersion = 2;

    private const uint EndMarker = 0x424D4C50;

    /// <summary>Writes our payload.</summary>
    public static void Write(BinaryWriter writer, BackpropMlpModelParameters model)
    {
        var body = new MemoryStream();
        using (var bodyWriter = new BinaryWriter(body, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            WriteBody(bodyWriter, model);
        }

        writer.Write(CurrentFormatVersion);
        writer.Write(checked((int)body.Length));
        writer.Write(body.GetBuffer(), 0, (int)body.Length);
        writer.Write(Crc32.Compute(body.GetBuffer().AsSpan(0, (int)body.Length)));
        writer.Write(EndMarker);
    }

    private static void WriteBody(BinaryWriter writer, BackpropMlpModelParameters model)
    {
        NetworkParameters<float> net = model.Network;
        writer.Write(net.Layout.InputCount);
        writer.Write(net.Layout.LayerCount);
        for (int l = 0; l < net.Layout.LayerCount; l++)
        {
            writer.Write(net.Layout.HiddenSizes[l]);
            writer.Write((int)net.Activations[l]);
        }

        writer.Write(net.Values.Length);
        WriteFloats(writer, net.Values);
        writer.Write(model.History.Count);
        foreach (MlpEpochRecord record in model.History)
        {
            writer.Write(record.Epoch);
            writer.Write(record.TrainingLoss);
            writer.Write(record.ValidationLoss.HasValue);
            writer.Write(record.ValidationLoss ?? 0.0);
        }

        writer.Write(model.BestEpoch);
    }

    /// <summary>Reads our payload, checking every field; a bad one raises <see cref="ModelFileException"/> saying what is wrong.</summary>
    /// <param name="reader">The entry's reader, after ML.NET's header.</param>
    /// <param name="expectedVersion">The payload version the entry's kind holds (<see cref="TransformerVersion"/> or <see cref="CurrentFormatVersion"/>).</param>
    /// <returns>The feature column name (version 1 only, else null) and the model.</returns>
    public static (string? FeatureColumn, BackpropMlpModelParameters Model) Read(BinaryReader reader, uint expectedVersion)
    {
        try
        {
            uint version = reader.ReadUInt32();
            if (version == 0 || version > CurrentFormatVersion)
            {
                throw new ModelFileException(
                    $"This BackpropMlp model was saved in model format version {version}, but this Backprop.MLNet " +
                    $"({typeof(ModelPayload).Assembly.GetName().Version}) reads versions 1 to {CurrentFormatVersion}. " +
                    (version > CurrentFormatVersion ? "Update the Backprop.MLNet package to load it." : "The file is damaged."));
            }

            Check(version == expectedVersion, $"format version {version} for this kind of entry (expected {expectedVersion})");

            int length = reader.ReadInt32();
            Check(length > 0, $"payload length {length}");
            byte[] body = reader.ReadBytes(length);
            if (body.Length != length)
            {
                throw new EndOfStreamException();
            }

            uint checksum = reader.ReadUInt32();
            if (checksum != Crc32.Compute(body))
            {
                throw new ModelFileException("The BackpropMlp model's checksum does not match its contents: the file is corrupted.");
            }

            Check(reader.ReadUInt32() == EndMarker, "end marker");
            using var bodyReader = new BinaryReader(new MemoryStream(body, writable: false));
            (string? FeatureColumn, BackpropMlpModelParameters Model) result = ReadBody(bodyReader, hasFeatureColumn: version == TransformerVersion);
            Check(bodyReader.BaseStream.Position == length, "payload length (the contents end early)");
            return result;
        }
        catch (EndOfStreamException e)
        {
            throw new ModelFileException("The BackpropMlp model entry ends before all its data; the file is truncated or damaged.", e);
        }
    }

    private static (string? FeatureColumn, BackpropMlpModelParameters Model) ReadBody(BinaryReader reader, bool hasFeatureColumn)
    {
        string? featureColumn = null;
        if (hasFeatureColumn)
        {
            featureColumn = reader.ReadString();
            if (string.IsNullOrWhiteSpace(featureColumn))
            {
                throw new ModelFileException("The BackpropMlp model names no feature column; the file is damaged.");
            }
        }

        int inputs = reader.ReadInt32();
        int layers = reader.ReadInt32();
        Check(inputs is > 0 and <= NetworkLimits.MaxInputs, $"input count {inputs}");
        Check(layers is > 0 and <= NetworkLimits.MaxHiddenLayers, $"hidden layer count {layers}");
        int[] sizes = new int[layers];
        var activations = new MlpActivation[layers];
        for (int l = 0; l < layers; l++)
        {
            sizes[l] = reader.ReadInt32();
            int activation = reader.ReadInt32();
            Check(sizes[l] is > 0 and <= NetworkLimits.MaxLayerSize, $"size {sizes[l]} of hidden layer {l}");
            Check(Enum.IsDefined((MlpActivation)activation), $"activation code {activation} of hidden layer {l}");
            activations[l] = (MlpActivation)activation;
        }

        ParameterLayout layout;
        try
        {
            layout = new ParameterLayout(inputs, sizes);
        }
        catch (OverflowException)
        {
            throw new ModelFileException($"The BackpropMlp model's layer shape {inputs}→{string.Join("→", sizes)}→1 is too large; the file is damaged.");
        }

        int count = reader.ReadInt32();
        if (count != layout.Count)
        {
            throw new ModelFileException(
                $"The BackpropMlp model holds {count} weights, but its layer shape {inputs}→{string.Join("→", sizes)}→1 needs {layout.Count}; the file is damaged.");
        }

        float[] values = ReadFloats(reader, count);
        int firstBad = FiniteValues.IndexOfNonFinite<float>(values);
        Check(firstBad < 0, $"weight {firstBad} (not a finite number)");

        int epochs = reader.ReadInt32();
        Check(epochs is >= 0 and <= NetworkLimits.MaxEpochs, $"epoch count {epochs}");
        var history = new MlpEpochRecord[epochs];
        for (int e = 0; e < epochs; e++)
        {
            int epoch = reader.ReadInt32();
            double training = reader.ReadDouble();
            bool hasValidation = reader.ReadBoolean();
            double validation = reader.ReadDouble();
            history[e] = new MlpEpochRecord(epoch, training, hasValidation ? validation : null);
        }

        int bestEpoch = reader.ReadInt32();
        Check(bestEpoch >= 0 && bestEpoch <= epochs, $"kept epoch {bestEpoch} (of {epochs})");
        var net = new NetworkParameters<float>(layout, activations, values);
        return (featureColumn, new BackpropMlpModelParameters(net, history, bestEpoch));
    }

    private static void Check(bool ok, string what)
    {
        if (!ok)
        {
            throw new ModelFileException($"The BackpropMlp model has an invalid {what}; the file is damaged.");
        }
    }

    private static void WriteFloats(BinaryWriter writer, float[] values)
    {
        if (BitConverter.IsLittleEndian)
        {
            writer.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            return;
        }

        foreach (float v in values)
        {
            writer.Write(v); // BinaryWriter is little-endian on every platform
        }
    }

    private static float[] ReadFloats(BinaryReader reader, int count)
    {
        float[] values = new float[count];
        if (BitConverter.IsLittleEndian)
        {
            Span<byte> bytes = MemoryMarshal.AsBytes(values.AsSpan());
            int read = 0;
            while (read < bytes.Length)
            {
                int n = reader.Read(bytes[read..]);
                if (n == 0)
                {
                    throw new EndOfStreamException();
                }

                read += n;
            }

            return values;
        }

        for (int i = 0; i < count; i++)
        {
            values[i] = reader.ReadSingle();
        }

        return values;
    }
}
