// FogMQTT — an MQTT 3.1.1 and 5.0 client on SwiftNIO. See spec/mqtt.md.
import NIOCore
import NIOPosix
