/// This build of Prognos, as the daemon's heartbeat and the metrics' `build_info` name it.
public enum Build {
    public static let version = "0.1.0"
}
