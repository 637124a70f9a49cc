package com.imageserving.support;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5Message;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A real SOCKS5 server for tests, built on Netty's SOCKS codec. It authenticates with a fixed
 * user/password when given one, records each CONNECT destination as the client sent it (so a test
 * can see that names reach the proxy unresolved), maps it to a local address, and relays bytes.
 */
public final class Socks5TestServer implements AutoCloseable {

  private final @Nullable String username;
  private final @Nullable String password;
  private final Function<String, InetSocketAddress> route;
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final Channel server;

  /** Destinations requested, as {@code host:port} exactly as the client sent them. */
  public final List<String> connects = new CopyOnWriteArrayList<>();

  public final AtomicInteger authFailures = new AtomicInteger();
  public final AtomicInteger handshakes = new AtomicInteger();

  /**
   * @param route maps a requested {@code host:port} to where the relay really connects
   */
  public Socks5TestServer(
      @Nullable String username,
      @Nullable String password,
      Function<String, InetSocketAddress> route)
      throws InterruptedException {
    this.username = username;
    this.password = password;
    this.route = route;
    this.server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(
                            Socks5ServerEncoder.DEFAULT,
                            new Socks5InitialRequestDecoder(),
                            new Handshake());
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Handshake extends SimpleChannelInboundHandler<Socks5Message> {

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Socks5Message message) {
      switch (message) {
        case Socks5InitialRequest initial -> greet(ctx, initial);
        case Socks5PasswordAuthRequest auth -> authenticate(ctx, auth);
        case Socks5CommandRequest command -> connect(ctx, command);
        default -> ctx.close();
      }
    }

    private void greet(ChannelHandlerContext ctx, Socks5InitialRequest initial) {
      handshakes.incrementAndGet();
      if (username != null) {
        if (!initial.authMethods().contains(Socks5AuthMethod.PASSWORD)) {
          ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED))
              .addListener(ChannelFutureListener.CLOSE);
          return;
        }
        ctx.pipeline().addFirst(new Socks5PasswordAuthRequestDecoder());
        ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.PASSWORD));
      } else {
        ctx.pipeline().addFirst(new Socks5CommandRequestDecoder());
        ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.NO_AUTH));
      }
    }

    private void authenticate(ChannelHandlerContext ctx, Socks5PasswordAuthRequest auth) {
      if (auth.username().equals(username) && auth.password().equals(password)) {
        ctx.pipeline().addFirst(new Socks5CommandRequestDecoder());
        ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.SUCCESS));
      } else {
        authFailures.incrementAndGet();
        ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.FAILURE))
            .addListener(ChannelFutureListener.CLOSE);
      }
    }

    private void connect(ChannelHandlerContext ctx, Socks5CommandRequest command) {
      if (command.type() != Socks5CommandType.CONNECT) {
        ctx.close();
        return;
      }
      String destination = command.dstAddr() + ":" + command.dstPort();
      connects.add(destination);
      Channel inbound = ctx.channel();
      inbound.config().setAutoRead(false);
      new Bootstrap()
          .group(inbound.eventLoop())
          .channel(NioSocketChannel.class)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000)
          .handler(new Relay(inbound))
          .connect(route.apply(destination))
          .addListener(
              (ChannelFutureListener)
                  future -> {
                    if (!future.isSuccess()) {
                      inbound
                          .writeAndFlush(
                              new DefaultSocks5CommandResponse(
                                  Socks5CommandStatus.FAILURE, Socks5AddressType.IPv4))
                          .addListener(ChannelFutureListener.CLOSE);
                      return;
                    }
                    Channel outbound = future.channel();
                    inbound
                        .writeAndFlush(
                            new DefaultSocks5CommandResponse(
                                Socks5CommandStatus.SUCCESS,
                                Socks5AddressType.IPv4,
                                "127.0.0.1",
                                port()))
                        .addListener(
                            (ChannelFutureListener)
                                written -> {
                                  inbound.pipeline().remove(Handshake.this);
                                  inbound.pipeline().addLast(new Relay(outbound));
                                  inbound.config().setAutoRead(true);
                                });
                  });
    }
  }

  /** Copies everything read on one channel to the other, closing both together. */
  private static final class Relay extends ChannelInboundHandlerAdapter {
    private final Channel peer;

    Relay(Channel peer) {
      this.peer = peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      peer.writeAndFlush(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
