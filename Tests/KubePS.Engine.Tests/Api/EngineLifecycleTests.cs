namespace KubePS.Engine.Tests.Api;

public sealed class EngineLifecycleTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    [Fact]
    public void A_second_engine_on_the_same_data_folder_refuses_to_start()
    {
        var e = Assert.Throws<InvalidOperationException>(() => EngineHost.Build(new EngineOptions { DataPath = engine.DataPath, Port = 0 }));
        Assert.Contains("another KubePS engine", e.Message);
    }

    [Fact]
    public void The_kubeconfig_is_readable_by_its_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(engine.KubeConfigPath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }
}
