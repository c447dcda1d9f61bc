extension AssetModel {
    /// What a stored snapshot of this model says it holds (`model_snapshots.format`): the daemon
    /// restores only a snapshot of this format and learns again from any other.
    public static var snapshotFormat: String { "AssetModel/\(formatVersion)" }
}
