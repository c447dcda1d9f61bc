import CBLAS
import CModbus
import CMosquitto
import Testing

/// Each system library is linked and callable: a missing Debian package fails here, loudly.
@Suite struct SystemLibraryLinkTests {
    @Test func libmodbusMakesAndFreesAContext() {
        let context = modbus_new_tcp("127.0.0.1", 1502)
        #expect(context != nil)
        modbus_free(context)
        #expect(libmodbus_version_major == 3)
    }

    @Test func libmosquittoReportsItsVersion() {
        var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
        let packed = mosquitto_lib_version(&major, &minor, &revision)
        #expect(major == 2)
        #expect(packed == major * 1_000_000 + minor * 1_000 + revision)
    }

    @Test func cblasDotProduct() {
        let x: [Double] = [1, 2, 3]
        let y: [Double] = [4, -5, 6]
        #expect(cblas_ddot(3, x, 1, y, 1) == 12)
    }

    @Test func lapackeSolvesASymmetricPositiveDefiniteSystem() {
        // A = [[4, 1], [1, 3]], b = [1, 2]  ->  x = [1/11, 7/11]
        var a: [Double] = [4, 1, 1, 3]
        var b: [Double] = [1, 2]
        let info = LAPACKE_dposv(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "U")), 2, 1, &a, 2, &b, 1)
        #expect(info == 0)
        #expect(abs(b[0] - 1.0 / 11.0) < 1e-12)
        #expect(abs(b[1] - 7.0 / 11.0) < 1e-12)
    }
}
