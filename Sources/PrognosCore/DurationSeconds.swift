extension Duration {
    /// This duration in seconds, as the rates, timeouts and reports that compute with it need it.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
