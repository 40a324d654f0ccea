package energy.dispatch.edge.device.modbus;

import energy.dispatch.schema.CapabilityConfig.Channel;
import energy.dispatch.schema.CapabilityConfig.Device;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How to read all of a device's readable channels in few requests: channels whose registers follow
 * each other without a gap share one read. Gaps are never bridged, because devices answer exception
 * 02 for a read that touches an unmapped address. A channel with a scale-factor register is read on
 * its own, together with its scale factor. Holding and input registers are separate tables read
 * with different function codes, so a block holds channels of one register kind only.
 */
final class ReadPlan {

  /** One read request: registers {@code [first, first + count)} holding the given channels. */
  record Block(int first, int count, List<Channel> channels) {
    Block {
      channels = List.copyOf(channels);
    }

    int end() {
      return first + count;
    }
  }

  /** The most registers one read request may ask for. */
  static final int MAX_READ_REGISTERS = 125;

  private ReadPlan() {}

  static List<Block> of(Device device) {
    List<Channel> readable = device.channels().stream().filter(Channel::readable)
        .sorted(Comparator.comparing(Channel::registerKind).thenComparingInt(Channel::register)).toList();
    List<Block> blocks = new ArrayList<>();
    Block current = null;
    for (Channel channel : readable) {
      if (current != null && fits(current, channel)) {
        current = extend(current, channel);
      } else {
        if (current != null) {
          blocks.add(current);
        }
        current = new Block(channel.register(), channel.width(), List.of(channel));
      }
    }
    if (current != null) {
      blocks.add(current);
    }
    return blocks;
  }

  private static boolean fits(Block block, Channel channel) {
    boolean plain = channel.scaleRegister() == null && block.channels().get(0).scaleRegister() == null;
    boolean sameKind = channel.registerKind().equals(block.channels().get(0).registerKind());
    boolean adjacent = channel.register() <= block.end();
    int end = Math.max(block.end(), channel.register() + channel.width());
    return plain && sameKind && adjacent && end - block.first() <= MAX_READ_REGISTERS;
  }

  private static Block extend(Block block, Channel channel) {
    List<Channel> channels = new ArrayList<>(block.channels());
    channels.add(channel);
    int end = Math.max(block.end(), channel.register() + channel.width());
    return new Block(block.first(), end - block.first(), channels);
  }
}
