/// What the plant and the fleet dashboards draw the same way around their views: a title bar, the
/// current view, the key/message line and the status line, and an overlay (the help box) on top.
protocol DashboardFrame {
    func drawTitle(_ canvas: inout Canvas)
    func drawView(_ canvas: inout Canvas, y: Int, height: Int)
    func drawHints(_ canvas: inout Canvas, y: Int)
    func drawStatus(_ canvas: inout Canvas, y: Int)
    func drawOverlay(_ canvas: inout Canvas)
}

extension DashboardFrame {
    /// The whole frame at `width`×`height`; a terminal too small for it gets a line that says so.
    func frame(width: Int, height: Int) -> Canvas {
        var canvas = Canvas(width: width, height: height)
        guard width >= 20, height >= 6 else {
            canvas.put("terminal too small", x: 0, y: 0, limit: width)
            return canvas
        }
        drawTitle(&canvas)
        drawView(&canvas, y: 1, height: height - 3)
        drawHints(&canvas, y: height - 2)
        drawStatus(&canvas, y: height - 1)
        drawOverlay(&canvas)
        return canvas
    }
}
