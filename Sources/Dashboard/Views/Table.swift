/// A column of a table view: its title, width bounds and alignment.
struct ColumnSpec<Key: Equatable> {
    var key: Key
    var title: String
    var minWidth: Int
    var maxWidth: Int
    var align: Alignment = .left
    /// Lower drops first when the screen is too narrow (0 never drops).
    var dropPriority: Int = 0
}

/// Widths for `specs` in `total` columns with one space between columns: every column gets its
/// minimum, columns are dropped (lowest priority first) while the minimums do not fit, and what is
/// left is shared out up to each column's maximum, left to right.
func fitColumns<Key: Equatable>(_ specs: [ColumnSpec<Key>], total: Int) -> [(spec: ColumnSpec<Key>, x: Int, width: Int)]
{
    var kept = specs
    func need(_ columns: [ColumnSpec<Key>]) -> Int {
        columns.reduce(0) { $0 + $1.minWidth } + max(0, columns.count - 1)
    }
    while need(kept) > total,
        let drop = kept.enumerated().filter({ $0.element.dropPriority > 0 })
            .min(by: { ($0.element.dropPriority, -$0.offset) < ($1.element.dropPriority, -$1.offset) })
    {
        kept.remove(at: drop.offset)
    }
    var widths = kept.map(\.minWidth)
    var spare = total - need(kept)
    // Share the spare columns in rounds so that several flexible columns grow together.
    while spare > 0 {
        var grew = false
        for i in widths.indices where spare > 0 && widths[i] < kept[i].maxWidth {
            widths[i] += 1
            spare -= 1
            grew = true
        }
        if !grew { break }
    }
    var x = 0
    var out: [(ColumnSpec<Key>, Int, Int)] = []
    for (i, spec) in kept.enumerated() {
        out.append((spec, x, widths[i]))
        x += widths[i] + 1
    }
    return out
}

/// First row to show so that `selected` stays visible in `visible` rows (keeping `scroll` when possible).
func scrolled(_ scroll: Int, selected: Int, visible: Int, count: Int) -> Int {
    guard visible > 0 else { return 0 }
    var s = scroll
    if selected < s { s = selected }
    if selected >= s + visible { s = selected - visible + 1 }
    return max(0, min(s, max(0, count - visible)))
}

/// New position in a list of `count` items after a movement key; nil when the key does not move.
func moved(_ index: Int, count: Int, key: Key, page: Int) -> Int? {
    guard count > 0 else { return nil }
    let next: Int
    switch key {
    case .up, .character("k"): next = index - 1
    case .down, .character("j"): next = index + 1
    case .pageUp: next = index - max(1, page)
    case .pageDown: next = index + max(1, page)
    case .home: next = 0
    case .end, .character("G"): next = count - 1
    default: return nil
    }
    return min(count - 1, max(0, next))
}
