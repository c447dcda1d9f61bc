extension Array where Element == Reading {
    /// These readings by asset, in the order of the asset ids, each asset's readings in the order
    /// they came: what `Dictionary(grouping:by:)` and a sort by key give. Found by runs of one asset
    /// (a device's poll delivers an asset's readings together), so an asset costs one array and a
    /// reading no hash; an asset whose readings come in several runs gets them in one group.
    public func groupedByAsset() -> [(key: String, value: [Reading])] {
        var groups: [(key: String, value: [Reading])] = []
        var groupOfAsset: [String: Int] = [:]
        var start = startIndex
        while start < endIndex {
            let asset = self[start].asset
            var end = start + 1
            while end < endIndex, self[end].asset == asset { end += 1 }
            if let group = groupOfAsset[asset] {
                groups[group].value += self[start..<end]
            } else {
                groupOfAsset[asset] = groups.count
                groups.append((asset, Array(self[start..<end])))
            }
            start = end
        }
        groups.sort { $0.key < $1.key }
        return groups
    }
}
