// Reads JSON documents, one a line, and writes for each one line: what the Handle.Net codec
// (net.handle.hdllib.GsonUtility, as the Handle server uses it) makes of it. A document with
// "values", or an array, is a record; anything else is one value.
// Output: {"ok":true,"values":[...]} with the values as the codec writes them back, or
// {"ok":false,"error":"..."} when the codec refuses the document.
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import net.handle.hdllib.GsonUtility;
import net.handle.hdllib.HandleValue;

public final class HandleCodec {
  public static void main(String[] args) throws Exception {
    Gson gson = GsonUtility.getGson();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream out = new PrintStream(System.out, true, "UTF-8");
    for (String line; (line = in.readLine()) != null; ) {
      if (line.trim().isEmpty()) continue;
      JsonObject result = new JsonObject();
      try {
        JsonElement root = JsonParser.parseString(line);
        JsonElement items = root;
        boolean record = root.isJsonArray();
        if (root.isJsonObject() && root.getAsJsonObject().has("values")) {
          items = root.getAsJsonObject().get("values");
          record = true;
        }
        HandleValue[] values;
        if (record) {
          values = gson.fromJson(items, HandleValue[].class);
        } else {
          values = new HandleValue[] {gson.fromJson(items, HandleValue.class)};
        }
        JsonArray written = new JsonArray();
        for (HandleValue value : values) {
          if (value == null) throw new IllegalArgumentException("null value");
          written.add(gson.toJsonTree(value));
        }
        result.addProperty("ok", true);
        result.add("values", written);
      } catch (Exception e) {
        result.addProperty("ok", false);
        result.addProperty("error", String.valueOf(e));
      }
      out.println(gson.toJson(result));
    }
  }
}
