using Backprop.MLNet.Tests.MLNet;
using Microsoft.ML;

namespace Backprop.MLNet.Tests.Persistence;

/// <summary>
/// The library consumed as a NuGet package: `dotnet pack`, then a fresh console project that restores
/// Backprop.MLNet from that local folder loads a saved model with plain Model.Load (the LoadableClass attributes and
/// IgnoresAccessChecksTo must be in the package), and the package depends on the real Microsoft.ML only: the
/// publicized reference copies the library is compiled against are neither packed nor named.
/// </summary>
[Trait("Category", "Slow")]
public class PackageConsumerTests
{
    [Fact]
    public void PackedLibraryLoadsModelsInAConsumerProject()
    {
        using var temp = new SavedModels.TempFolder();
        string root = SavedModels.Metadata("RepositoryRoot");
        string configuration = SavedModels.Metadata("Configuration");
        string version = $"1.0.0-packtest.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        string feed = Directory.CreateDirectory(temp.File("feed")).FullName;
        string cachedPackage = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), "backprop.mlnet", version);
        try
        {
            // The tests' build already compiled the library in this configuration: pack that output.
            SavedModels.RunDotnet($"pack \"{Path.Combine(root, "src", "Backprop.MLNet", "Backprop.MLNet.csproj")}\" -c {configuration} --no-build -o \"{feed}\" -p:PackageVersion={version}");
            string package = Path.Combine(feed, $"Backprop.MLNet.{version}.nupkg");
            Assert.True(File.Exists(package));
            using (var zip = System.IO.Compression.ZipFile.OpenRead(package))
            {
                Assert.Equal(["lib/net10.0/Backprop.MLNet.dll"], zip.Entries.Where(e => e.FullName.EndsWith(".dll", StringComparison.Ordinal)).Select(e => e.FullName));
                using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
                var dependencies = System.Xml.Linq.XDocument.Parse(nuspec.ReadToEnd()).Descendants()
                    .Where(e => e.Name.LocalName == "dependency").Select(e => $"{e.Attribute("id")!.Value} {e.Attribute("version")!.Value}").Order().ToArray();
                Assert.Equal(["MathNet.Numerics 5.0.0", "Microsoft.ML 5.0.1", "Microsoft.ML.DataView 5.0.1", "System.Numerics.Tensors 9.0.4"], dependencies);
            }

            string consumer = Directory.CreateDirectory(temp.File("consumer")).FullName;
            File.Copy(Path.Combine(root, "tests", "Backprop.MLNet.LoadCheck", "Program.cs"), Path.Combine(consumer, "Program.cs"));
            File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Microsoft.ML" Version="5.0.1" />
                    <PackageReference Include="Backprop.MLNet" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
                <configuration>
                  <packageSources>
                    <add key="backprop-local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            SavedModels.RunDotnet("build -c Release -o out", consumer);

            (MLContext ml, IDataView data, var model) = SavedModels.TrainAndSave(temp.File("model.zip"));
            var (comments, predictions) = SavedModels.RunLoadCheck(temp.File("model.zip"), program: Path.Combine(consumer, "out", "Consumer.dll"));
            Assert.StartsWith("# last transformer Microsoft.ML.Data.BinaryPredictionTransformer`1[[Backprop.MLNet.BackpropMlpModelParameters", comments[0]);
            Assert.Equal(SavedModels.Predictions(model, data), predictions);
        }
        finally
        {
            if (Directory.Exists(cachedPackage))
            {
                Directory.Delete(cachedPackage, recursive: true); // a test-only version must not linger in the NuGet cache
            }
        }
    }
}
