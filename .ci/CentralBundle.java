import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks a Central Portal bundle (the zip .ci/release-check makes) against Maven Central's rules
 * (central.sonatype.org/publish/requirements): exactly the published components, each with its
 * POM, jar, sources and javadoc jars, .md5 and .sha1 checksums that match (.sha256/.sha512 too if
 * present), .asc signatures when --signed; POMs with coordinates matching their path, name,
 * description, url, licenses, developers and scm (here or inherited from the parent POM in the
 * bundle), and no SNAPSHOT version anywhere in a release. Prints every problem and exits 1, or
 * prints a summary and exits 0.
 *
 * <p>Usage: {@code java .ci/CentralBundle.java BUNDLE.zip VERSION [--signed]}
 */
public class CentralBundle {

    /** The published components: artifactId and packaging. daemon-examples is not one. */
    static final Map<String, String> PUBLISHED = Map.of(
            "jdaemon-parent", "pom", "daemon-native", "jar", "daemon-core", "jar");
    static final String GROUP = "io.jdaemon";

    final List<String> problems = new ArrayList<>();
    final Map<String, byte[]> files = new TreeMap<>();

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java .ci/CentralBundle.java BUNDLE.zip VERSION [--signed]");
            System.exit(2);
        }
        CentralBundle check = new CentralBundle();
        check.run(Path.of(args[0]), args[1], args.length > 2 && args[2].equals("--signed"));
        if (!check.problems.isEmpty()) {
            check.problems.forEach(p -> System.err.println("bundle: " + p));
            System.exit(1);
        }
        System.out.println("bundle ok: " + args[0] + ", " + check.files.size() + " files, "
                + PUBLISHED.keySet() + " " + args[1]);
    }

    void run(Path bundle, String version, boolean signed) throws Exception {
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                if (!e.isDirectory()) {
                    files.put(e.getName(), zip.getInputStream(e).readAllBytes());
                }
            }
        }
        if (version.contains("SNAPSHOT")) {
            problems.add("version " + version + " is a snapshot: Central takes releases only");
        }
        String base = GROUP.replace('.', '/') + "/";
        for (String name : files.keySet()) {
            if (!name.startsWith(base)) {
                problems.add(name + " is outside " + base);
                continue;
            }
            String[] parts = name.substring(base.length()).split("/");
            if (parts.length != 3 || !PUBLISHED.containsKey(parts[0]) || !parts[1].equals(version)
                    || !parts[2].startsWith(parts[0] + "-" + version)) {
                problems.add(name + " is not a file of " + PUBLISHED.keySet() + " " + version);
            }
            if (name.contains("maven-metadata")) {
                problems.add(name + ": maven-metadata files do not belong in a bundle");
            }
        }
        Map<String, Document> poms = new HashMap<>();
        for (Map.Entry<String, String> c : PUBLISHED.entrySet()) {
            String dir = base + c.getKey() + "/" + version + "/" + c.getKey() + "-" + version;
            List<String> main = new ArrayList<>(List.of(dir + ".pom"));
            if (c.getValue().equals("jar")) {
                main.addAll(List.of(dir + ".jar", dir + "-sources.jar", dir + "-javadoc.jar"));
            }
            for (String f : main) {
                if (!files.containsKey(f)) {
                    problems.add("missing " + f);
                    continue;
                }
                checksums(f);
                if (signed && !files.containsKey(f + ".asc")) {
                    problems.add("missing signature " + f + ".asc");
                }
            }
            if (files.containsKey(dir + ".pom")) {
                poms.put(c.getKey(), DocumentBuilderFactory.newInstance().newDocumentBuilder()
                        .parse(new ByteArrayInputStream(files.get(dir + ".pom"))));
            }
            if (c.getValue().equals("jar")) {
                contains(dir + ".jar", ".class", "META-INF/LICENSE");
                contains(dir + "-sources.jar", ".java", null);
                contains(dir + "-javadoc.jar", "index.html", null);
            }
        }
        Document parent = poms.get("jdaemon-parent");
        for (Map.Entry<String, Document> pom : poms.entrySet()) {
            checkPom(pom.getKey(), pom.getValue().getDocumentElement(),
                    parent == null ? null : parent.getDocumentElement(), version);
        }
    }

    /** .md5 and .sha1 present and matching; .sha256 and .sha512 matching where present. */
    void checksums(String file) throws Exception {
        Map<String, String> kinds = Map.of(".md5", "MD5", ".sha1", "SHA-1", ".sha256", "SHA-256",
                ".sha512", "SHA-512");
        for (Map.Entry<String, String> k : kinds.entrySet()) {
            byte[] sum = files.get(file + k.getKey());
            if (sum == null) {
                if (k.getKey().equals(".md5") || k.getKey().equals(".sha1")) {
                    problems.add("missing checksum " + file + k.getKey());
                }
                continue;
            }
            String want = HexFormat.of().formatHex(
                    MessageDigest.getInstance(k.getValue()).digest(files.get(file)));
            String got = new String(sum, "US-ASCII").trim().split("\\s+")[0];
            if (!got.equalsIgnoreCase(want)) {
                problems.add(file + k.getKey() + " does not match the file (" + got + ", " + want + ")");
            }
        }
    }

    /** The jar has an entry ending with {@code suffix} and, if given, the entry {@code exact}. */
    void contains(String jar, String suffix, String exact) throws IOException {
        byte[] bytes = files.get(jar);
        if (bytes == null) {
            return;
        }
        boolean suffixFound = false;
        boolean exactFound = exact == null;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                suffixFound |= e.getName().endsWith(suffix);
                exactFound |= e.getName().equals(exact);
            }
        }
        if (!suffixFound) {
            problems.add(jar + " has no " + suffix + " entry");
        }
        if (!exactFound) {
            problems.add(jar + " has no " + exact);
        }
    }

    void checkPom(String artifactId, Element pom, Element parent, String version) {
        String where = artifactId + "'s POM";
        Element parentRef = child(pom, "parent");
        boolean inherits = parentRef != null;
        if (inherits && !"jdaemon-parent".equals(text(parentRef, "artifactId"))) {
            problems.add(where + ": its parent is not the bundle's jdaemon-parent");
            inherits = false;
        }
        Map<String, String> properties = new HashMap<>();
        properties.put("project.version", version);
        if (inherits && parent != null) {
            properties.putAll(properties(parent));
        }
        properties.putAll(properties(pom));
        String groupId = text(pom, "groupId") != null ? text(pom, "groupId")
                : parentRef == null ? null : text(parentRef, "groupId");
        String ownVersion = text(pom, "version") != null ? text(pom, "version")
                : parentRef == null ? null : text(parentRef, "version");
        if (!GROUP.equals(groupId) || !artifactId.equals(text(pom, "artifactId"))
                || !version.equals(ownVersion)) {
            problems.add(where + ": coordinates " + groupId + ":" + text(pom, "artifactId") + ":"
                    + ownVersion + " do not match its path");
        }
        String packaging = text(pom, "packaging") == null ? "jar" : text(pom, "packaging");
        if (!packaging.equals(PUBLISHED.get(artifactId))) {
            problems.add(where + ": packaging " + packaging + ", expected " + PUBLISHED.get(artifactId));
        }
        for (String required : List.of("name", "description", "url")) {
            if (blank(text(pom, required)) && !(inherits && parent != null && !blank(text(parent, required)))) {
                problems.add(where + ": no <" + required + ">");
            }
        }
        Element self = pom;
        Element from = child(pom, "licenses") != null || !inherits || parent == null ? self : parent;
        if (!hasChildWith(child(from, "licenses"), "license", "name", "url")) {
            problems.add(where + ": no <licenses><license> with <name> and <url>");
        }
        from = child(pom, "developers") != null || !inherits || parent == null ? self : parent;
        if (!hasChildWith(child(from, "developers"), "developer", "name", null)) {
            problems.add(where + ": no <developers><developer> with <name>");
        }
        from = child(pom, "scm") != null || !inherits || parent == null ? self : parent;
        Element scm = child(from, "scm");
        if (scm == null || blank(text(scm, "url")) || blank(text(scm, "connection"))) {
            problems.add(where + ": no <scm> with <url> and <connection>");
        }
        // No snapshot anywhere: the POM's versions, after its properties are put in.
        for (Element v : elements(pom, "version")) {
            String value = interpolate(v.getTextContent().trim(), properties);
            if (value.contains("SNAPSHOT")) {
                problems.add(where + ": a SNAPSHOT version (" + value + ") under <"
                        + ((Element) v.getParentNode()).getTagName() + ">");
            }
            if (value.contains("${")) {
                problems.add(where + ": version " + value + " cannot be resolved");
            }
        }
    }

    static Map<String, String> properties(Element pom) {
        Map<String, String> out = new HashMap<>();
        Element props = child(pom, "properties");
        if (props != null) {
            for (Node n = props.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element) {
                    out.put(((Element) n).getTagName(), n.getTextContent().trim());
                }
            }
        }
        return out;
    }

    static String interpolate(String value, Map<String, String> properties) {
        Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = properties.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(v == null ? m.group() : v));
        }
        m.appendTail(out);
        return out.toString();
    }

    static boolean hasChildWith(Element list, String item, String a, String b) {
        if (list == null) {
            return false;
        }
        for (Node n = list.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && ((Element) n).getTagName().equals(item)
                    && !blank(text((Element) n, a)) && (b == null || !blank(text((Element) n, b)))) {
                return true;
            }
        }
        return false;
    }

    static List<Element> elements(Element root, String tag) {
        List<Element> out = new ArrayList<>();
        org.w3c.dom.NodeList all = root.getElementsByTagName(tag);
        for (int i = 0; i < all.getLength(); i++) {
            out.add((Element) all.item(i));
        }
        return out;
    }

    static Element child(Element e, String tag) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && ((Element) n).getTagName().equals(tag)) {
                return (Element) n;
            }
        }
        return null;
    }

    static String text(Element e, String tag) {
        Element c = child(e, tag);
        return c == null ? null : c.getTextContent().trim();
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
