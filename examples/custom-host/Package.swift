// swift-tools-version:6.1
import Foundation
import PackageDescription

// A host of one's own: the standard plugins of kasparro-etl plus a JSON Lines source and an
// `uppercase` transform step, built outside the framework's repository. KASPARRO_ETL_PATH names
// the framework's checkout (by default the repository this example sits in); a package depended on
// by path is named by its directory, so the products are looked up under that name.
let framework = Context.environment["KASPARRO_ETL_PATH"] ?? "../.."
let frameworkPackage = URL(fileURLWithPath: framework, relativeTo: URL(fileURLWithPath: Context.packageDirectory + "/"))
    .standardizedFileURL.lastPathComponent

let package = Package(
    name: "custom-host",
    platforms: [.macOS(.v15)],
    products: [.executable(name: "custom-host", targets: ["CustomHost"])],
    dependencies: [.package(path: framework)],
    targets: [
        .target(
            name: "ExamplePlugins",
            dependencies: [.product(name: "ETLFramework", package: frameworkPackage)]
        ),
        .executableTarget(
            name: "CustomHost",
            dependencies: [
                "ExamplePlugins",
                .product(name: "ETLHost", package: frameworkPackage),
                .product(name: "StandardPlugins", package: frameworkPackage),
            ]
        ),
        .testTarget(
            name: "ExamplePluginsTests",
            dependencies: [
                "ExamplePlugins",
                .product(name: "ETLFramework", package: frameworkPackage),
                .product(name: "ETLTesting", package: frameworkPackage),
            ]
        ),
    ]
)
