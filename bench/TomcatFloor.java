// A reference for `make bench`: the embedded Tomcat that the service runs on, with nothing else.
// One servlet serves /images/{ns}/{id} from the same folder the same way the service does (sendfile
// from 48 KB, one write below) with none of Spring MVC, filters, metrics or logs, on virtual
// threads like the service. What it reaches is the most the service could reach on this server.
//
// Run: java -cp 'lib/*' bench/TomcatFloor.java PORT UPLOADS_PATH   (lib = the extracted jar's lib)

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.threads.VirtualThreadExecutor;

public class TomcatFloor {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    Path root = Path.of(args[1], "images");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(Files.createTempDirectory("tomcat-floor").toString());
    Connector connector = new Connector(Http11NioProtocol.class.getName());
    connector.setPort(port);
    connector.setProperty("address", "127.0.0.1");
    connector.setProperty("maxKeepAliveRequests", "-1");
    connector.getProtocolHandler().setExecutor(new VirtualThreadExecutor("tomcat-handler-"));
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", new File(".").getAbsolutePath());
    Tomcat.addServlet(context, "images", new Images(root)).addMapping("/images/*");
    tomcat.start();
    tomcat.getServer().await();
  }

  static final class Images extends HttpServlet {
    private final Path root;

    Images(Path root) {
      this.root = root;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String[] parts = request.getRequestURI().split("/");
      Path file = parts.length == 4 ? root.resolve(parts[2]).resolve(parts[3] + ".jpg") : null;
      if (file == null || !Files.isRegularFile(file)) {
        response.sendError(404);
        return;
      }
      long size = Files.size(file);
      response.setContentType("image/jpeg");
      response.setHeader("Cache-Control", "public, max-age=86400");
      response.setHeader("X-Content-Type-Options", "nosniff");
      response.setContentLengthLong(size);
      if (size >= 48 * 1024
          && Boolean.TRUE.equals(request.getAttribute("org.apache.tomcat.sendfile.support"))) {
        request.setAttribute("org.apache.tomcat.sendfile.filename", file.toString());
        request.setAttribute("org.apache.tomcat.sendfile.start", 0L);
        request.setAttribute("org.apache.tomcat.sendfile.end", size);
        return;
      }
      try (InputStream in = Files.newInputStream(file)) {
        byte[] bytes = new byte[(int) size];
        int read = in.readNBytes(bytes, 0, bytes.length);
        response.getOutputStream().write(bytes, 0, read);
      }
    }
  }
}
